// Package logic holds the mappings shared by the gateway's logic groups.
package logic

import (
	"time"

	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
)

// TokenResp maps an rpc token to the HTTP response.
func TokenResp(t *user_client.Token) *types.TokenResp {
	if t == nil {
		return &types.TokenResp{}
	}
	return &types.TokenResp{
		AccessToken:   t.AccessToken,
		AccessExpire:  t.AccessExpire,
		RefreshAfter:  t.RefreshAfter,
		RefreshToken:  t.RefreshToken,
		RefreshExpire: t.RefreshExpire,
	}
}

// UpdateProfileReq maps the HTTP profile edit of user uid to the rpc request: every editable
// field (doc/codegen.md, "Add a field").
func UpdateProfileReq(uid int64, req *types.UpdateProfileReq) *user_client.UpdateProfileReq {
	return &user_client.UpdateProfileReq{Id: uid, Nickname: req.Nickname}
}

// Profile maps an rpc user to the HTTP profile.
func Profile(u *user_client.UserInfo) *types.ProfileResp {
	return &types.ProfileResp{
		Id:        u.Id,
		Email:     u.Email,
		Nickname:  u.Nickname,
		CreatedAt: time.Unix(u.CreatedAt, 0).UTC().Format(time.RFC3339),
	}
}
