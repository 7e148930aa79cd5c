package rpcx

import (
	"strings"
	"testing"

	"zeromall/pkg/rpcauth"

	"google.golang.org/grpc"
)

// What MustNewServer checks before it serves: every method the server registers (gRPC's own
// services aside) is in the policy and the rules, and neither names a method it does not have.
func TestCheckContract_OnTheRegisteredMethods(t *testing.T) {
	s := grpc.NewServer()
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: "shop.Shop",
		HandlerType: (*any)(nil),
		Methods:     []grpc.MethodDesc{{MethodName: "Get"}, {MethodName: "Put"}},
	}, struct{}{})
	serveHealth(s, nil) // grpc.health.v1: not the service's to declare
	methods := registered(s)
	if strings.Join(methods, " ") != "/shop.Shop/Get /shop.Shop/Put" {
		t.Fatalf("registered %v", methods)
	}
	policy := rpcauth.Policy{"/shop.Shop/Get": {"shop-api"}, "/shop.Shop/Put": {"shop-api"}}
	rules := Rules{"/shop.Shop/Get": {Repeatable: true}, "/shop.Shop/Put": {}}
	if err := CheckContract(methods, policy, rules); err != nil {
		t.Fatalf("a decided service refused: %v", err)
	}
	delete(policy, "/shop.Shop/Put")
	rules["/shop.Shop/Renamed"] = Rule{}
	err := CheckContract(methods, policy, rules)
	for _, want := range []string{"/shop.Shop/Put is in no access policy", "a rule names /shop.Shop/Renamed"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}
