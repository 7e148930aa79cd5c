package logic

import (
	"context"
	"errors"
	"fmt"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"golang.org/x/crypto/bcrypt"
)

type LoginLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewLoginLogic(ctx context.Context, svcCtx *svc.ServiceContext) *LoginLogic {
	return &LoginLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Login checks a password (failures limited per account, attempts per client IP) and opens a session.
func (l *LoginLogic) Login(in *user.LoginReq) (*user.TokenResp, error) {

	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, xerr.Field("password", "is required")
	}
	if err := l.checkLimits(email, in.ClientIp); err != nil {
		return nil, err
	}

	u, err := l.svcCtx.Users.FindOneByEmailNoCache(l.ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Spend the same time as a real check so response times do not reveal which emails exist.
		_ = bcrypt.CompareHashAndPassword(dummyHash(l.svcCtx.Config.BcryptCost), []byte(in.Password))
		return nil, xerr.ErrInvalidCredentials
	case err != nil:
		return nil, fmt.Errorf("find user by email: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Password)) != nil {
		return nil, xerr.ErrInvalidCredentials
	}
	if u.Status != model.UserActive {
		return nil, xerr.ErrAccountDisabled
	}
	if err := l.svcCtx.LoginFailures.Reset(l.ctx, email); err != nil {
		l.Errorf("login limiter unavailable, the account's count not cleared: %v", err)
	}

	pair, err := l.svcCtx.Sessions.Open(l.ctx, u)
	if err != nil {
		return nil, err
	}
	return &user.TokenResp{Token: toToken(pair)}, nil
}

// checkLimits counts the attempt against the account and the client IP. Every attempt counts
// against the account up front, so concurrent guesses cannot slip past the quota together, and a
// success clears the account's count again: only failures remain, and a user's own logins never
// lock them out. When Redis is unreachable the limiters fail open: logins keep working,
// unthrottled, and the outage is logged.
func (l *LoginLogic) checkLimits(email, clientIP string) error {
	limits := []struct {
		window *limiter.Window
		key    string
	}{{l.svcCtx.LoginFailures, email}, {l.svcCtx.LoginAttempts, clientIP}}
	for _, lim := range limits {
		if lim.key == "" {
			continue
		}
		wait, err := lim.window.Take(l.ctx, lim.key)
		if err != nil {
			l.Errorf("login limiter unavailable, allowing attempt: %v", err)
			return nil
		}
		if wait > 0 {
			return xerr.ErrLoginThrottled.WithRetryAfter(wait)
		}
	}
	return nil
}
