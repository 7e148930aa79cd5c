package rpcx

import (
	"strings"
	"testing"

	"google.golang.org/grpc"
)

func TestRules_CheckCovers(t *testing.T) {
	sd := grpc.ServiceDesc{ServiceName: "shop.Shop", Methods: []grpc.MethodDesc{{MethodName: "Get"}, {MethodName: "Put"}}}
	methods := Methods(sd)
	if want := []string{"/shop.Shop/Get", "/shop.Shop/Put"}; strings.Join(methods, " ") != strings.Join(want, " ") {
		t.Fatalf("Methods = %v, want %v", methods, want)
	}
	if err := (Rules{"/shop.Shop/Get": {Repeatable: true}, "/shop.Shop/Put": {}}).CheckCovers(methods); err != nil {
		t.Fatalf("complete rules refused: %v", err)
	}
	err := Rules{"/shop.Shop/Get": {Repeatable: true}, "/shop.Shop/Post": {}}.CheckCovers(methods)
	if err == nil || !strings.Contains(err.Error(), "/shop.Shop/Put has no rule") || !strings.Contains(err.Error(), "a rule names /shop.Shop/Post, which the service does not have") {
		t.Fatalf("a missing and a stale rule: %v", err)
	}
}
