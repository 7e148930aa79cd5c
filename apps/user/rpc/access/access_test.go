package access

import (
	"testing"

	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/rpcx"
)

// Every user-rpc method says who may call it and what callers may do with it; a new or renamed
// rpc fails here (and user-rpc refuses to start) until it does.
func TestEveryMethodIsDecided(t *testing.T) {
	if err := rpcx.CheckContract(rpcx.Methods(user.User_ServiceDesc), Policy, Rules); err != nil {
		t.Fatal(err)
	}
}
