package rpcclient

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"google.golang.org/grpc"
)

// Rule is what may be done with one rpc method beyond calling it once, declared by the service
// that serves it, beside its caller policy (apps/<svc>/rpc/access), with the generated
// _FullMethodName constants.
type Rule struct {
	// Repeatable: a client may send the call again when its server was lost mid-call: a read,
	// or a write idempotent by contract. A request carrying an idempotency key is repeatable
	// whatever its rule says.
	Repeatable bool
	// Secret: the request or reply carries credentials (a password, a token, a session id); no
	// log line, client's or server's, ever holds its content.
	Secret bool
}

// Rules maps full method names ("/order.Order/GetOrder") to their rules.
type Rules map[string]Rule

// Methods are the full names of a service's methods, as gRPC registers them.
func Methods(sd grpc.ServiceDesc) []string {
	names := make([]string, 0, len(sd.Methods)+len(sd.Streams))
	for _, m := range sd.Methods {
		names = append(names, "/"+sd.ServiceName+"/"+m.MethodName)
	}
	for _, s := range sd.Streams {
		names = append(names, "/"+sd.ServiceName+"/"+s.StreamName)
	}
	return names
}

// CheckCovers reports the methods that have no rule, and the rules of methods the service does
// not have (a renamed rpc): every method is decided on, none falls back to a default.
func (r Rules) CheckCovers(methods []string) error {
	var errs []error
	for _, m := range methods {
		if _, ok := r[m]; !ok {
			errs = append(errs, fmt.Errorf("%s has no rule: say whether it may be repeated and whether it carries credentials", m))
		}
	}
	for _, m := range slices.Sorted(maps.Keys(r)) {
		if !slices.Contains(methods, m) {
			errs = append(errs, fmt.Errorf("a rule names %s, which the service does not have", m))
		}
	}
	return errors.Join(errs...)
}
