package gateway

import "zeromall/pkg/xerr"

// The answers a gateway gives on its own, whatever the route's logic does. A route's own errors
// are named in its .api file (@doc errors: "3001 3002"); make gen adds these to them by what the
// route has and writes both into its OpenAPI file (deploy/apispec), so each is declared once.
var (
	// EveryRoute: a fault, an outage (the overload gate, an open breaker, a service down) or a
	// call that ran out of time.
	EveryRoute = []*xerr.CodeError{xerr.ErrInternal, xerr.ErrServiceUnavailable, xerr.ErrTimeout}
	// WithInput: a route that reads a path, query, header or body field it cannot parse or that
	// breaks a rule (msg names the field and why).
	WithInput = []*xerr.CodeError{xerr.ErrBadRequest}
	// WithBody: the body rules (pkg/gateway): size, Content-Type and Content-Encoding.
	WithBody = []*xerr.CodeError{xerr.ErrPayloadTooLarge, xerr.ErrUnsupportedMediaType, xerr.ErrUnsupportedEncoding}
	// ByMiddleware: what each middleware an .api file names (middleware: Auth,Admin) refuses
	// with. Auth: no, a bad or an expired token, an ended session, a disabled account.
	ByMiddleware = map[string][]*xerr.CodeError{
		"Auth":              {xerr.ErrUnauthorized, xerr.ErrSessionEnded, xerr.ErrAccountDisabled},
		"Admin":             {xerr.ErrForbidden},
		"CallbackSignature": {xerr.ErrBadSignature},
	}
	// WithRetryAfter: the answers that may carry Retry-After (seconds): the overload gate's 503
	// always, a 503 relayed from a shedding service, the login and registration limits' 429s.
	WithRetryAfter = []*xerr.CodeError{xerr.ErrServiceUnavailable, xerr.ErrLoginThrottled, xerr.ErrRegisterThrottled}
)
