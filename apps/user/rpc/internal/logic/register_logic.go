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

// Register creates an account and returns its first access token.
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
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), l.svcCtx.Config.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}

	res, err := l.svcCtx.Users.Insert(l.ctx, &model.Users{
		Email:        email,
		PasswordHash: string(hash),
		Nickname:     nickname,
		Status:       model.UserActive,
	})
	if dberr.IsDuplicate(err) {
		return nil, xerr.ErrEmailTaken
	}
	if err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("read new user id: %w", err)
	}

	token, err := mintToken(l.svcCtx, id)
	if err != nil {
		return nil, err
	}
	return &user.RegisterResp{Id: id, Token: token}, nil
}
