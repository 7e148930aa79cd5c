package xerr

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/breaker"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

const detailDomain = "zeromall"

// ToStatus turns any error into the gRPC status a zRPC server answers with. Business errors keep
// their code in an ErrorInfo detail; statuses from downstream calls pass through; anything else is
// an infrastructure fault: Internal (a breaker failure) with a generic message. The bool reports
// whether err was a fault the caller should log.
func ToStatus(err error) (*status.Status, bool) {
	var ce *CodeError
	if errors.As(err, &ce) {
		return codeStatus(ce), ce.GRPCCode == codes.Internal
	}
	if st, ok := grpcStatus(err); ok {
		return st, false
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded): // before unreachable: it is a net.Error too
		return codeStatus(ErrTimeout), true
	case errors.Is(err, breaker.ErrServiceUnavailable) || unreachable(err):
		return codeStatus(ErrServiceUnavailable), true
	case errors.Is(err, context.Canceled):
		return codeStatus(ErrClientClosed), false
	}
	return codeStatus(ErrInternal), true
}

// unreachable reports whether err means a dependency (MySQL, Redis) could not be reached or
// dropped the connection: an outage (Unavailable, 503), not a bug (Internal, 500).
func unreachable(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET)
}

func codeStatus(ce *CodeError) *status.Status {
	st := status.New(ce.GRPCCode, ce.Msg)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason:   strconv.Itoa(ce.Code),
		Domain:   detailDomain,
		Metadata: map[string]string{"code": strconv.Itoa(ce.Code)},
	}}
	if ce.RetryAfter > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(ce.RetryAfter)})
	}
	detailed, err := st.WithDetails(details...)
	if err != nil {
		return st
	}
	return detailed
}

// grpcStatus finds a gRPC status anywhere in err's chain (status.FromError does not look
// through every kind of wrapping).
func grpcStatus(err error) (*status.Status, bool) {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		return se.GRPCStatus(), true
	}
	return nil, false
}

// FromError turns any error a gateway sees into a CodeError (see Known); an error it does not
// recognise is ErrInternal.
func FromError(err error) *CodeError {
	if ce, ok := Known(err); ok {
		return ce
	}
	return ErrInternal
}

// Known classifies errors zeromall understands: business errors keep their code and message;
// transport failures (open breaker, shed load, timeouts) become 503/504; a status without a
// business code is mapped by its gRPC code. It reports false for any other error.
func Known(err error) (*CodeError, bool) {
	var ce *CodeError
	if errors.As(err, &ce) {
		return ce, true
	}
	if st, ok := grpcStatus(err); ok {
		return fromStatus(st), true
	}
	switch {
	case errors.Is(err, breaker.ErrServiceUnavailable):
		return ErrServiceUnavailable, true
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout, true
	case errors.Is(err, context.Canceled):
		return ErrClientClosed, true
	}
	return nil, false
}

// Declared returns the zeromall code a server put in err's gRPC status, whatever the status's
// gRPC code: false for an error that is not a status, or a status without one (the gRPC stack's
// own, or a foreign server's).
func Declared(err error) (*CodeError, bool) {
	st, ok := grpcStatus(err)
	if !ok {
		return nil, false
	}
	decl, _ := details(st)
	return decl, decl != nil
}

func fromStatus(st *status.Status) *CodeError {
	decl, retry := details(st)
	var ce *CodeError
	switch {
	case decl != nil && decl.GRPCCode == codes.Internal:
		ce = decl
	case decl != nil:
		ce = decl.WithMsg(st.Message())
	default:
		// No business code (a foreign server or the gRPC stack): map by class, and never echo
		// the message of a fault.
		ce = genericFor(st.Code())
		if ce.HTTPStatus < http.StatusInternalServerError {
			ce = ce.WithMsg(st.Message())
		}
	}
	if retry > 0 {
		ce = ce.WithRetryAfter(retry)
	}
	return ce
}

// details reads the declared code and the retry delay from st's details.
func details(st *status.Status) (decl *CodeError, retry time.Duration) {
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if d.Domain != detailDomain || decl != nil {
				continue
			}
			if code, err := strconv.Atoi(d.Metadata["code"]); err == nil {
				decl, _ = Lookup(code) // a code this binary does not know: mapped by class below
			}
		case *errdetails.RetryInfo:
			retry = d.RetryDelay.AsDuration()
		}
	}
	return decl, retry
}

func genericFor(c codes.Code) *CodeError {
	switch c {
	case codes.InvalidArgument, codes.OutOfRange:
		return ErrBadRequest
	case codes.Unauthenticated, codes.PermissionDenied:
		// Without a business code this is the internal boundary (pkg/rpcauth) refusing this
		// process, not the user: a misconfiguration to fix, never a 401/403 to the client.
		return ErrInternal
	case codes.NotFound:
		return ErrNotFound
	case codes.AlreadyExists, codes.FailedPrecondition, codes.Aborted:
		return ErrConflict
	case codes.Unavailable, codes.ResourceExhausted:
		return ErrServiceUnavailable
	case codes.Canceled:
		return ErrClientClosed
	case codes.DeadlineExceeded:
		return ErrTimeout
	}
	return ErrInternal
}

// IsRejection reports whether err is a guard's refusal that did no work: a call shed by an
// overloaded server (ResourceExhausted) or refused by an open breaker. Rejections are counted
// and summarised where they happen (pkg/overload, go-zero's breaker); logging each one again
// would make an overload cost more the more it rejects.
func IsRejection(err error) bool {
	if errors.Is(err, breaker.ErrServiceUnavailable) {
		return true
	}
	st, ok := grpcStatus(err)
	return ok && st.Code() == codes.ResourceExhausted
}
