package logic

import (
	"context"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
)

type CancelOrderLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCancelOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CancelOrderLogic {
	return &CancelOrderLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CancelOrder cancels a pending order of userId and restocks it.
func (l *CancelOrderLogic) CancelOrder(in *order.CancelOrderReq) (*order.OrderInfo, error) {
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	o, err := findOrder(l.ctx, l.svcCtx, in.Sn, in.UserId)
	if err != nil {
		return nil, err
	}
	moved, err := moveOrder(l.ctx, l.svcCtx, o, model.StatusCancelled, time.Now())
	if err != nil {
		return nil, err
	}
	if !moved {
		return nil, xerr.ErrIllegalTransition.WithMsg("order is already cancelled")
	}
	return orderInfo(l.ctx, l.svcCtx, o)
}
