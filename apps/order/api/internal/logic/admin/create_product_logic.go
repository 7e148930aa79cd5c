// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package admin

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type CreateProductLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Add a product for sale. Needs an admin's access token.
func NewCreateProductLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreateProductLogic {
	return &CreateProductLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *CreateProductLogic) CreateProduct(req *types.CreateProductReq) (resp *types.Product, err error) {
	admin, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.OrderRpc.CreateProduct(l.ctx, &order_client.CreateProductReq{
		AdminId: admin, Sku: req.Sku, Title: req.Title, Price: req.Price, Stock: req.Stock,
	})
	if err != nil {
		return nil, err
	}
	out := logic.Product(p)
	return &out, nil
}
