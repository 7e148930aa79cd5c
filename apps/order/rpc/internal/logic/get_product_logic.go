package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetProductLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewGetProductLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetProductLogic {
	return &GetProductLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// GetProduct reads one product for sale; NotFound when unknown or archived.
func (l *GetProductLogic) GetProduct(in *order.GetProductReq) (*order.Product, error) {
	p, err := l.svcCtx.Orders.Product(l.ctx, in.GetId())
	if err != nil {
		return nil, err
	}
	return toProduct(p), nil
}
