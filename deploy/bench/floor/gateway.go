package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zeromall/apps/order/rpc/order"
	"zeromall/apps/user/rpc/user"
	"zeromall/deploy/internal/statusword"
	"zeromall/pkg/rpcauth"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

type claims struct {
	UserID    int64  `json:"uid"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

type gateway struct {
	secret   []byte
	parser   *jwt.Parser
	sessions *redis.Client
	users    user.UserClient
	orders   order.OrderClient
}

// sessionKey is where zeromall's user-rpc publishes a session's state, "<uid>:<refusal code>"
// (pkg/session): the floor reads the same entry, as zeromall's gateways do on every request.
const sessionKey = "user:session:"

func newGateway(rpcAddr, secret, redisAddr string, useTLS bool) (http.Handler, error) {
	creds := grpc.WithTransportCredentials(insecure.NewCredentials())
	if useTLS {
		id, err := rpcauth.DevIdentity("floor-http")
		if err != nil {
			return nil, err
		}
		creds = grpc.WithTransportCredentials(id.ClientCredentials("floor-rpc"))
	}
	cc, err := grpc.NewClient(rpcAddr, creds)
	if err != nil {
		return nil, err
	}
	g := &gateway{
		secret:   []byte(secret),
		parser:   jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()),
		sessions: redis.NewClient(&redis.Options{Addr: redisAddr, DisableIdentity: true}),
		users:    user.NewUserClient(cc),
		orders:   order.NewOrderClient(cc),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /user/v1/me", g.me)
	mux.HandleFunc("POST /order/v1/orders", g.createOrder)
	return mux, nil
}

// caller verifies the bearer token and its session's published state and returns its user;
// without a valid token or with an ended session it answers 401. A session with no published
// state passes (zeromall would ask user-rpc, about once per session per 5 s).
func (g *gateway) caller(w http.ResponseWriter, r *http.Request) (int64, bool) {
	var c claims
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok {
		_, err := g.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return g.secret, nil })
		ok = err == nil && c.UserID > 0
	}
	if ok {
		state, err := g.sessions.Get(r.Context(), sessionKey+c.SessionID).Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"code": 1503, "msg": err.Error()})
			return 0, false
		default:
			ok = strings.HasSuffix(state, ":0") && strings.TrimSuffix(state, ":0") == strconv.FormatInt(c.UserID, 10)
		}
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 1401, "msg": "unauthorized"})
	}
	return c.UserID, ok
}

type profile struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Nickname  string `json:"nickname"`
	CreatedAt string `json:"createdAt"`
}

func (g *gateway) me(w http.ResponseWriter, r *http.Request) {
	uid, ok := g.caller(w, r)
	if !ok {
		return
	}
	u, err := g.users.GetUser(r.Context(), &user.GetUserReq{Id: uid})
	if err != nil {
		writeRPCError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, profile{ID: u.Id, Email: u.Email, Nickname: u.Nickname,
		CreatedAt: time.Unix(u.CreatedAt, 0).UTC().Format(time.RFC3339)})
}

type orderReq struct {
	Items []struct {
		ProductID int64 `json:"productId"`
		Quantity  int64 `json:"quantity"`
	} `json:"items"`
}

type orderLine struct {
	ProductID int64  `json:"productId"`
	Title     string `json:"title"`
	Price     int64  `json:"price"`
	Quantity  int64  `json:"quantity"`
}

type orderResp struct {
	Sn          string      `json:"sn"`
	UserID      int64       `json:"userId"`
	Status      string      `json:"status"`
	TotalAmount int64       `json:"totalAmount"`
	Items       []orderLine `json:"items"`
	CreatedAt   string      `json:"createdAt"`
}

func (g *gateway) createOrder(w http.ResponseWriter, r *http.Request) {
	uid, ok := g.caller(w, r)
	if !ok {
		return
	}
	var req orderReq
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 65536)).Decode(&req); err != nil || len(req.Items) == 0 || len(req.Items) > 20 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 1400, "msg": "items: 1 to 20 lines"})
		return
	}
	in := &order.CreateOrderReq{UserId: uid, Items: make([]*order.ItemReq, len(req.Items))}
	for i, it := range req.Items {
		if it.ProductID <= 0 || it.Quantity < 1 || it.Quantity > 99 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 1400, "msg": "items: a product id and 1 to 99 units"})
			return
		}
		in.Items[i] = &order.ItemReq{ProductId: it.ProductID, Quantity: it.Quantity}
	}
	o, err := g.orders.CreateOrder(r.Context(), in)
	if err != nil {
		writeRPCError(w, err)
		return
	}
	resp := orderResp{Sn: o.Sn, UserID: o.UserId, Status: statusword.OrderPending, TotalAmount: o.TotalAmount,
		CreatedAt: time.Unix(o.CreatedAt, 0).UTC().Format(time.RFC3339), Items: make([]orderLine, len(o.Items))}
	for i, it := range o.Items {
		resp.Items[i] = orderLine{ProductID: it.ProductId, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeRPCError(w http.ResponseWriter, err error) {
	st, _ := status.FromError(err)
	code := http.StatusInternalServerError
	switch st.Code() {
	case codes.NotFound:
		code = http.StatusNotFound
	case codes.FailedPrecondition:
		code = http.StatusConflict
	case codes.Unavailable:
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"code": code, "msg": st.Message()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
