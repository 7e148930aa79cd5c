// Package access is the part of user-rpc's contract that the .proto cannot say: which processes
// may call each method (doc/security.md), and what its callers may do with it (repeat it after a
// lost server, log its content).
package access

import (
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
)

// Policy: the account methods serve user-api only; every gateway checks sessions.
var Policy = rpcauth.Policy{
	user.User_Register_FullMethodName:      {"user-api"},
	user.User_Login_FullMethodName:         {"user-api"},
	user.User_RefreshToken_FullMethodName:  {"user-api"},
	user.User_Logout_FullMethodName:        {"user-api"},
	user.User_UpdateProfile_FullMethodName: {"user-api"},
	user.User_GetUser_FullMethodName:       {"user-api"},
	user.User_CheckSession_FullMethodName:  {"user-api", "order-api", "payment-api"},
}

// Rules: reads may be sent again after a lost server; every call that carries a password, a
// refresh token or a session id is never logged with its content.
var Rules = rpcx.Rules{
	user.User_Register_FullMethodName:      {Secret: true},
	user.User_Login_FullMethodName:         {Secret: true},
	user.User_RefreshToken_FullMethodName:  {Secret: true},
	user.User_Logout_FullMethodName:        {Secret: true},
	user.User_UpdateProfile_FullMethodName: {},
	user.User_GetUser_FullMethodName:       {Repeatable: true},
	user.User_CheckSession_FullMethodName:  {Repeatable: true, Secret: true},
}
