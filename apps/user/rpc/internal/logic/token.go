package logic

import (
	"fmt"
	"time"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/jwtx"
)

func mintToken(svcCtx *svc.ServiceContext, uid int64) (*user.Token, error) {
	tok, err := jwtx.Mint(svcCtx.Config.JWT.AccessSecret, uid, time.Now(), svcCtx.Config.JWT.AccessExpire)
	if err != nil {
		return nil, fmt.Errorf("mint token for %d: %w", uid, err)
	}
	return &user.Token{AccessToken: tok.AccessToken, AccessExpire: tok.AccessExpire, RefreshAfter: tok.RefreshAfter}, nil
}
