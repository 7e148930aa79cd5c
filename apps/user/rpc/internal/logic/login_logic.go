package logic

import (
	"context"
	"errors"
	"fmt"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/limit"
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

// Login checks a password (rate limited per account and client IP) and mints a token.
func (l *LoginLogic) Login(in *user.LoginReq) (*user.TokenResp, error) {

	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, xerr.Field("password", "is required")
	}
	if err := l.takeAttempt(email, in.ClientIp); err != nil {
		return nil, err
	}

	u, err := l.svcCtx.Users.FindOneByEmail(l.ctx, email)
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

	token, err := mintToken(l.svcCtx, u.Id)
	if err != nil {
		return nil, err
	}
	return &user.TokenResp{Token: token}, nil
}

// takeAttempt counts a login attempt against the account and the client IP. When Redis is
// unreachable the limiter fails open: logins keep working, unthrottled, and the outage is logged.
func (l *LoginLogic) takeAttempt(email, clientIP string) error {
	limits := []struct {
		limiter *limit.PeriodLimit
		key     string
	}{{l.svcCtx.AccountLimit, email}, {l.svcCtx.IPLimit, clientIP}}
	for _, lim := range limits {
		if lim.key == "" {
			continue
		}
		state, err := lim.limiter.TakeCtx(l.ctx, lim.key)
		if err != nil {
			l.Errorf("login limiter unavailable, allowing attempt: %v", err)
			return nil
		}
		if state == limit.OverQuota {
			return xerr.ErrLoginThrottled
		}
	}
	return nil
}
