package logic

import (
	"context"
	"fmt"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/dberr"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"golang.org/x/crypto/bcrypt"
)

type RegisterLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewRegisterLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RegisterLogic {
	return &RegisterLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Register creates an account (limited per client IP) and opens its first session.
func (l *RegisterLogic) Register(in *user.RegisterReq) (*user.RegisterResp, error) {

	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(in.Password); err != nil {
		return nil, err
	}
	nickname, err := normalizeNickname(in.Nickname)
	if err != nil {
		return nil, err
	}
	if err := l.takeAttempt(in.ClientIp); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), l.svcCtx.Config.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}

	u := &model.Users{
		Email:        email,
		PasswordHash: string(hash),
		Nickname:     nickname,
		Status:       model.UserActive,
	}
	res, err := l.svcCtx.Users.Insert(l.ctx, u)
	if dberr.IsDuplicate(err) {
		return nil, xerr.ErrEmailTaken
	}
	if err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	if u.Id, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("read new user id: %w", err)
	}

	pair, err := l.svcCtx.Sessions.Open(l.ctx, u)
	if err != nil {
		return nil, err
	}
	return &user.RegisterResp{Id: u.Id, Token: toToken(pair)}, nil
}

// takeAttempt counts a registration against the client IP (each costs a bcrypt hash and a row).
// When Redis is unreachable the limiter fails open and the outage is logged.
func (l *RegisterLogic) takeAttempt(clientIP string) error {
	if clientIP == "" {
		return nil
	}
	wait, err := l.svcCtx.Registrations.Take(l.ctx, clientIP)
	if err != nil {
		l.Errorf("registration limiter unavailable, allowing attempt: %v", err)
		return nil
	}
	if wait > 0 {
		return xerr.ErrRegisterThrottled.WithRetryAfter(wait)
	}
	return nil
}
