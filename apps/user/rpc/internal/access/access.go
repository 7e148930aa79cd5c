// Package access says which processes may call each user-rpc method (doc/security.md).
package access

import (
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/rpcauth"
)

// Policy: the account methods serve user-api only; every gateway checks sessions, and order-api
// reads the buyer's profile.
var Policy = rpcauth.Policy{
	user.User_Register_FullMethodName:      {"user-api"},
	user.User_Login_FullMethodName:         {"user-api"},
	user.User_RefreshToken_FullMethodName:  {"user-api"},
	user.User_Logout_FullMethodName:        {"user-api"},
	user.User_UpdateProfile_FullMethodName: {"user-api"},
	user.User_GetUser_FullMethodName:       {"user-api"},
	user.User_CheckSession_FullMethodName:  {"user-api", "order-api", "payment-api"},
}
