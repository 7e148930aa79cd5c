package logic

import (
	"context"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// The order state machine: pending → paid → refunded, pending → cancelled. Nothing else.
var transitions = map[string][]string{
	model.StatusPending: {model.StatusPaid, model.StatusCancelled},
	model.StatusPaid:    {model.StatusRefunded},
}

func canTransition(from, to string) bool {
	for _, next := range transitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// restocks reports whether reaching a status gives the goods back to stock.
func restocks(to string) bool {
	return to == model.StatusCancelled || to == model.StatusRefunded
}

// moveOrder moves order o to status `to` in one transaction that locks the order row, checks the
// move against the state machine, updates it conditionally and restocks when the move gives goods
// back. So racing moves of one order (cancel vs. payment, two auto-cancellers) run one after the
// other and exactly one wins. It reports moved=false, with no error, when the order already was
// in `to`; an illegal move is ErrIllegalTransition (ErrOrderCancelled for paying a cancelled
// order). On return o holds the order as committed. Caches are invalidated after the commit.
func moveOrder(ctx context.Context, svcCtx *svc.ServiceContext, o *model.Orders, to string, at time.Time) (moved bool, err error) {
	var items []*model.OrderItems
	if restocks(to) {
		// Lines never change, so reading them (cached) before the transaction is safe.
		if items, err = svcCtx.OrderItems.ListByOrder(ctx, o.Id); err != nil {
			return false, err
		}
	}
	var cur *model.Orders
	err = withDeadlockRetry(ctx, func() error {
		return svcCtx.Orders.Transact(ctx, func(ctx context.Context, s sqlx.Session) error {
			moved = false
			locked, err := svcCtx.Orders.LockTx(ctx, s, o.Id)
			if err != nil {
				return err
			}
			cur = locked
			if cur.Status == to {
				return nil
			}
			if !canTransition(cur.Status, to) {
				return illegal(cur.Status, to)
			}
			if _, err := svcCtx.Orders.TransitionTx(ctx, s, o.Id, cur.Status, to, at); err != nil {
				return err
			}
			for _, it := range items {
				if err := svcCtx.Products.PutBackStockTx(ctx, s, it.ProductId, it.Quantity); err != nil {
					return err
				}
			}
			moved = true
			return nil
		})
	})
	if err != nil {
		return false, err
	}
	if moved {
		if !restocks(to) {
			items = nil
		}
		invalidateOrder(ctx, svcCtx, o, items)
		if o, err = reloadInto(ctx, svcCtx, o); err != nil {
			return false, err
		}
		return true, nil
	}
	*o = *cur
	return false, nil
}

func reloadInto(ctx context.Context, svcCtx *svc.ServiceContext, o *model.Orders) (*model.Orders, error) {
	fresh, err := svcCtx.Orders.FindOne(ctx, o.Id)
	if err != nil {
		return o, err
	}
	*o = *fresh
	return o, nil
}

func invalidateOrder(ctx context.Context, svcCtx *svc.ServiceContext, o *model.Orders, items []*model.OrderItems) {
	if err := svcCtx.Orders.Invalidate(ctx, o); err != nil {
		logx.WithContext(ctx).Errorf("invalidate order %s: %v", o.Sn, err)
	}
	if len(items) == 0 {
		return
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ProductId
	}
	if err := svcCtx.Products.InvalidateStock(ctx, ids...); err != nil {
		logx.WithContext(ctx).Errorf("invalidate products %v: %v", ids, err)
	}
}

func illegal(from, to string) error {
	if from == model.StatusCancelled && to == model.StatusPaid {
		return xerr.ErrOrderCancelled
	}
	return xerr.ErrIllegalTransition.WithMsgf("order is %s and cannot become %s", from, to)
}
