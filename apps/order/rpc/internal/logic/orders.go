package logic

import (
	"context"
	"errors"
	"fmt"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/xerr"
)

// findOrder reads an order by number; owner > 0 restricts it to that user's orders, and anyone
// else's is reported as not found, never as forbidden, so numbers cannot be probed.
func findOrder(ctx context.Context, svcCtx *svc.ServiceContext, sn string, owner int64) (*model.Orders, error) {
	if err := checkSN(sn); err != nil {
		return nil, err
	}
	o, err := svcCtx.Orders.FindOneBySn(ctx, sn)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrOrderNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find order %s: %w", sn, err)
	}
	if owner > 0 && o.UserId != owner {
		return nil, xerr.ErrOrderNotFound
	}
	return o, nil
}

// orderInfo maps an order with its lines.
func orderInfo(ctx context.Context, svcCtx *svc.ServiceContext, o *model.Orders) (*order.OrderInfo, error) {
	items, err := svcCtx.OrderItems.ListByOrder(ctx, o.Id)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o, items), nil
}
