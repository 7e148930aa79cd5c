package logic

import (
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/apps/user/rpc/user"
)

func toToken(p sessions.Pair) *user.Token {
	return &user.Token{
		AccessToken:   p.Access.AccessToken,
		AccessExpire:  p.Access.AccessExpire,
		RefreshAfter:  p.Access.RefreshAfter,
		RefreshToken:  p.RefreshToken,
		RefreshExpire: p.RefreshExpire,
	}
}
