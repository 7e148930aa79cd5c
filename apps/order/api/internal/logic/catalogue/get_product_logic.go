// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package catalogue

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetProductLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// One product for sale; 404 when unknown or archived.
func NewGetProductLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetProductLogic {
	return &GetProductLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *GetProductLogic) GetProduct(req *types.ProductIdReq) (resp *types.Product, err error) {
	p, err := l.svcCtx.OrderRpc.GetProduct(l.ctx, &order_client.GetProductReq{Id: req.Id})
	if err != nil {
		return nil, err
	}
	out := logic.Product(p)
	return &out, nil
}
