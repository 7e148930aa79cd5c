package logic

import (
	"zeromall/apps/user/rpc/internal/accounts"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/apps/user/rpc/user"
)

// statuses maps the domain's account statuses to the contract's enum.
var statuses = map[accounts.Status]user.UserStatus{
	accounts.Active:   user.UserStatus_USER_STATUS_ACTIVE,
	accounts.Disabled: user.UserStatus_USER_STATUS_DISABLED,
}

// toProfile reads every editable field of an UpdateProfile request (doc/codegen.md, "Add a field").
func toProfile(in *user.UpdateProfileReq) accounts.Profile {
	return accounts.Profile{Nickname: in.Nickname}
}

func toUserInfo(u *accounts.User) *user.UserInfo {
	return &user.UserInfo{
		Id:        u.ID,
		Email:     u.Email,
		Nickname:  u.Nickname,
		Status:    statuses[u.Status],
		CreatedAt: u.CreatedAt.UTC().Unix(),
	}
}

func toToken(p sessions.Pair) *user.Token {
	return &user.Token{
		AccessToken:   p.Access.AccessToken,
		AccessExpire:  p.Access.AccessExpire,
		RefreshAfter:  p.Access.RefreshAfter,
		RefreshToken:  p.RefreshToken,
		RefreshExpire: p.RefreshExpire,
	}
}
