package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zeromall/apps/order/rpc/order"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/apps/payment/rpc/payment_client"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/testkit"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// processes are every identity of the system, plus one the CA issued to nobody we know.
var processes = []string{"user-api", "order-api", "payment-api", "user-rpc", "order-rpc", "payment-rpc", "stranger"}

// mayCall is the internal boundary as doc/security.md states it, written here independently of
// the services' own policies (apps/*/rpc/access) so that a change to either shows.
var mayCall = map[string][]string{
	"/user.User/Register":      {"user-api"},
	"/user.User/Login":         {"user-api"},
	"/user.User/RefreshToken":  {"user-api"},
	"/user.User/Logout":        {"user-api"},
	"/user.User/UpdateProfile": {"user-api"},
	"/user.User/GetUser":       {"user-api"},
	"/user.User/CheckSession":  {"user-api", "order-api", "payment-api"},

	"/order.Order/ListProducts":    {"order-api"},
	"/order.Order/GetProduct":      {"order-api"},
	"/order.Order/CreateProduct":   {"order-api"},
	"/order.Order/UpdateProduct":   {"order-api"},
	"/order.Order/AdjustStock":     {"order-api"},
	"/order.Order/ListStockLedger": {"order-api"},
	"/order.Order/GetProductSales": {"order-api"},
	"/order.Order/CreateOrder":     {"order-api"},
	"/order.Order/ListOrders":      {"order-api"},
	"/order.Order/CancelOrder":     {"order-api"},
	"/order.Order/GetOrder":        {"order-api"},
	"/order.Order/HoldForPayment":  {"payment-rpc"},

	"/payment.Payment/CreatePayment":  {"payment-api"},
	"/payment.Payment/GetPayment":     {"payment-api"},
	"/payment.Payment/HandleCallback": {"payment-api"},
	"/payment.Payment/Refund":         {"payment-api"},
}

// boundaryCode is how the boundary answered a call: the refusal's code, or OK when the call
// reached the method (whatever the method then said about an empty request). Business errors
// always carry zeromall's error details; the boundary's refusals carry none.
func boundaryCode(err error) codes.Code {
	st := status.Convert(err)
	if len(st.Details()) > 0 {
		return codes.OK
	}
	switch st.Code() {
	case codes.Unauthenticated, codes.PermissionDenied, codes.Unavailable:
		return st.Code()
	}
	return codes.OK
}

func invoke(t *testing.T, addr, method string, creds credentials.TransportCredentials) codes.Code {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// An empty message decodes as any request type: the boundary decides before the method runs.
	return boundaryCode(conn.Invoke(ctx, method, &emptypb.Empty{}, &emptypb.Empty{}))
}

func identityCreds(t *testing.T, caller, server string) credentials.TransportCredentials {
	t.Helper()
	id, err := rpcauth.DevIdentity(caller)
	if err != nil {
		t.Fatal(err)
	}
	return id.ClientCredentials(server)
}

// Every method of every rpc service refuses callers without a certificate (Unauthenticated), and
// callers that hold one but do not need the method (PermissionDenied); plaintext never gets a
// TLS handshake. The table is printed for doc/security.md.
func TestInternalBoundary_EveryMethodAcceptsOnlyItsCallers(t *testing.T) {
	s := testkit.NewStack(t)
	servers := []struct {
		name string
		rpc  *testkit.Service
		desc grpc.ServiceDesc
	}{
		{"user-rpc", s.StartRPC("user", nil), user.User_ServiceDesc},
		{"order-rpc", s.StartRPC("order", nil), order.Order_ServiceDesc},
		{"payment-rpc", s.StartRPC("payment", nil), payment.Payment_ServiceDesc},
	}
	short := map[codes.Code]string{codes.OK: "pass", codes.PermissionDenied: "denied", codes.Unauthenticated: "unauth", codes.Unavailable: "no-tls"}
	t.Logf("FIGURE boundary: %-32s %-8s %-8s %s", "method", "no-cert", "plain", strings.Join(processes, " "))

	methods := 0
	for _, srv := range servers {
		refusedHere := 0
		for _, m := range srv.desc.Methods {
			methods++
			method := "/" + srv.desc.ServiceName + "/" + m.MethodName
			allowed, known := mayCall[method]
			if !known {
				t.Errorf("%s is not in the expected boundary: say who may call it (here and in doc/security.md)", method)
			}
			noCert := invoke(t, srv.rpc.Addr, method, credentials.NewTLS(tlsNoCert(t, srv.name)))
			plain := invoke(t, srv.rpc.Addr, method, insecure.NewCredentials())
			if noCert != codes.Unauthenticated {
				t.Errorf("%s without a certificate: %v, want Unauthenticated", method, noCert)
			}
			if plain != codes.Unavailable {
				t.Errorf("%s over plaintext: %v, want Unavailable (no handshake)", method, plain)
			}
			refusedHere++
			row := []string{}
			for _, caller := range processes {
				got := invoke(t, srv.rpc.Addr, method, identityCreds(t, caller, srv.name))
				want := codes.PermissionDenied
				if slices.Contains(allowed, caller) {
					want = codes.OK
				} else {
					refusedHere++
				}
				if got != want {
					t.Errorf("%s called by %s: %v, want %v", method, caller, got, want)
				}
				row = append(row, fmt.Sprintf("%-*s", len(caller), short[got]))
			}
			t.Logf("FIGURE boundary: %-32s %-8s %-8s %s", method, short[noCert], short[plain], strings.Join(row, " "))
		}
		// Each refusal is one log line naming the caller, no more. The process's output reaches the
		// test through a pipe, so the last lines may arrive a moment after the last answer.
		logged := 0
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if logged = strings.Count(srv.rpc.Logs(), "rpc call refused"); logged >= refusedHere {
				break
			}
		}
		if logged != refusedHere {
			t.Errorf("%s logged %d refusals, want %d (one per refused call)", srv.name, logged, refusedHere)
		}
		if !strings.Contains(srv.rpc.Logs(), "identity=stranger") {
			t.Errorf("%s's refusal log does not name the caller", srv.name)
		}
	}
	if methods != len(mayCall) {
		t.Errorf("the services have %d methods, the expected boundary names %d", methods, len(mayCall))
	}

	// Passing the boundary is not enough to read anyone's payment: a user-scoped method needs its user.
	payments := payment_client.NewPayment(testkit.RPCClient(t, servers[2].rpc.Addr, "payment-api", "payment-rpc"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := payments.GetPayment(ctx, &payment_client.GetPaymentReq{Sn: "202611230000000000000001"})
	if st := status.Convert(err); st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "userId") {
		t.Errorf("GetPayment without a user: %v, want InvalidArgument about userId", err)
	}
}

// Refused calls never reach go-zero's breaker: after a burst of them, the method still serves
// the caller it accepts.
func TestInternalBoundary_RefusalsDoNotTripTheBreaker(t *testing.T) {
	s := testkit.NewStack(t)
	rpc := s.StartRPC("order", nil)
	const method = "/order.Order/HoldForPayment"
	intruder := identityCreds(t, "order-api", "order-rpc")
	conn, err := grpc.NewClient(rpc.Addr, grpc.WithTransportCredentials(intruder))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range 300 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := conn.Invoke(ctx, method, &emptypb.Empty{}, &emptypb.Empty{})
		cancel()
		if status.Code(err) != codes.PermissionDenied {
			t.Fatalf("refused call %d: %v", i, err)
		}
	}
	if got := invoke(t, rpc.Addr, method, identityCreds(t, "payment-rpc", "order-rpc")); got != codes.OK {
		t.Fatalf("payment-rpc after 300 refused calls: %v, want the method to answer", got)
	}
}

// tlsNoCert speaks TLS to server but has no certificate to present.
func tlsNoCert(t *testing.T, server string) *tls.Config {
	t.Helper()
	return &tls.Config{ServerName: server, InsecureSkipVerify: true, MinVersion: tls.VersionTLS13} //nolint:gosec // the server's identity is not what this client tests
}
