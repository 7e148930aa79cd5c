package access

import (
	"testing"

	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/rpcclient"
	"zeromall/pkg/rpcserver"
)

// Every user-rpc method says who may call it and what callers may do with it; a new or renamed
// rpc fails here (and user-rpc refuses to start) until it does.
func TestEveryMethodIsDecided(t *testing.T) {
	if err := rpcserver.CheckContract(rpcclient.Methods(user.User_ServiceDesc), Policy, Rules); err != nil {
		t.Fatal(err)
	}
}
