package rpcx

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
	return CheckDecided(r, methods, "has no rule: say whether it may be repeated and whether it carries credentials", "a rule")
}

// CheckDecided reports each of methods that decided does not name (undecided says why that is
// wrong) and each entry of decided, described by entry, that names none of them.
func CheckDecided[V any](decided map[string]V, methods []string, undecided, entry string) error {
	var errs []error
	for _, m := range methods {
		if _, ok := decided[m]; !ok {
			errs = append(errs, fmt.Errorf("%s %s", m, undecided))
		}
	}
	for _, m := range slices.Sorted(maps.Keys(decided)) {
		if !slices.Contains(methods, m) {
			errs = append(errs, fmt.Errorf("%s names %s, which the service does not have", entry, m))
		}
	}
	return errors.Join(errs...)
}
