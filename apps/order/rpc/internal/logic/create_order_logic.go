package logic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/dberr"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type CreateOrderLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCreateOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreateOrderLogic {
	return &CreateOrderLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CreateOrder prices the items from the catalogue and takes stock in one transaction.
// With an idempotencyKey, the same key from the same user returns the same order.
func (l *CreateOrderLogic) CreateOrder(in *order.CreateOrderReq) (*order.OrderInfo, error) {
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	lines, err := checkItems(in.Items)
	if err != nil {
		return nil, err
	}
	if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	hash := requestHash(lines)

	if in.IdempotencyKey != "" {
		if info, err := l.replay(in.UserId, in.IdempotencyKey, hash, false); info != nil || err != nil {
			return info, err
		}
	}
	o, err := l.create(in.UserId, lines, in.IdempotencyKey, hash)
	if in.IdempotencyKey != "" && dberr.IsDuplicateOf(err, "uk_user_key") {
		// A concurrent request with the same key committed first; ours rolled back, stock included.
		return l.replay(in.UserId, in.IdempotencyKey, hash, true)
	}
	if err != nil {
		return nil, err
	}
	return orderInfo(l.ctx, l.svcCtx, o)
}

// replay returns the order an Idempotency-Key already created, or nil when the key is new.
func (l *CreateOrderLogic) replay(userID int64, key, hash string, fresh bool) (*order.OrderInfo, error) {
	var (
		rec *model.OrderIdempotency
		err error
	)
	if fresh {
		rec, err = l.svcCtx.Idempotency.FindFresh(l.ctx, userID, key)
	} else {
		rec, err = l.svcCtx.Idempotency.FindOneByUserIdIdempotencyKey(l.ctx, userID, key)
	}
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("find idempotency key: %w", err)
	case rec.RequestHash != hash:
		return nil, xerr.ErrIdempotencyKeyReused
	}
	o, err := l.svcCtx.Orders.FindOne(l.ctx, rec.OrderId)
	if err != nil {
		return nil, fmt.Errorf("find order %d of idempotency key: %w", rec.OrderId, err)
	}
	return orderInfo(l.ctx, l.svcCtx, o)
}

// create writes the order, its lines and its idempotency key and takes the stock, all in one
// transaction; a line that cannot be served rolls everything back.
func (l *CreateOrderLogic) create(userID int64, lines []line, key, hash string) (*model.Orders, error) {
	productIDs := make([]int64, len(lines))
	for i, ln := range lines {
		productIDs[i] = ln.productID
	}
	var orderID int64
	err := withDeadlockRetry(l.ctx, func() error {
		return l.svcCtx.Orders.Transact(l.ctx, func(ctx context.Context, s sqlx.Session) error {
			var err error
			orderID, err = l.insertTx(ctx, s, userID, lines, productIDs, key, hash)
			return err
		})
	})
	if err != nil {
		return nil, err
	}

	if err := l.svcCtx.Products.InvalidateStock(l.ctx, productIDs...); err != nil {
		l.Errorf("invalidate products %v: %v", productIDs, err)
	}
	if key != "" {
		if err := l.svcCtx.Idempotency.Invalidate(l.ctx, &model.OrderIdempotency{UserId: userID, IdempotencyKey: key}); err != nil {
			l.Errorf("invalidate idempotency key: %v", err)
		}
	}
	o, err := l.svcCtx.Orders.FindOne(l.ctx, orderID)
	if err != nil {
		return nil, fmt.Errorf("read new order %d: %w", orderID, err)
	}
	return o, nil
}

func (l *CreateOrderLogic) insertTx(ctx context.Context, s sqlx.Session, userID int64, lines []line,
	productIDs []int64, key, hash string) (int64, error) {
	products, err := l.svcCtx.Products.FindManyTx(ctx, s, productIDs)
	if err != nil {
		return 0, err
	}
	byID := make(map[int64]*model.Products, len(products))
	for _, p := range products {
		byID[p.Id] = p
	}

	items := make([]*model.OrderItems, 0, len(lines))
	var total int64
	for _, ln := range lines {
		p, ok := byID[ln.productID]
		if !ok {
			return 0, xerr.ErrProductNotFound.WithMsgf("items: unknown product %d", ln.productID)
		}
		taken, err := l.svcCtx.Products.TakeStockTx(ctx, s, p.Id, ln.quantity)
		if err != nil {
			return 0, err
		}
		if !taken {
			return 0, xerr.ErrOutOfStock.WithMsgf("out of stock: %s", p.Title)
		}
		items = append(items, &model.OrderItems{ProductId: p.Id, Title: p.Title, Price: p.Price, Quantity: ln.quantity})
		total += p.Price * ln.quantity
	}

	orderID, err := l.svcCtx.Orders.InsertTx(ctx, s, &model.Orders{
		Sn:          ids.NewSN(time.Now()),
		UserId:      userID,
		Status:      model.StatusPending,
		TotalAmount: total,
	})
	if err != nil {
		return 0, err
	}
	if err := l.svcCtx.OrderItems.InsertManyTx(ctx, s, orderID, items); err != nil {
		return 0, err
	}
	if key != "" {
		err := l.svcCtx.Idempotency.InsertTx(ctx, s, &model.OrderIdempotency{
			UserId: userID, IdempotencyKey: key, OrderId: orderID, RequestHash: hash,
		})
		if err != nil {
			return 0, err
		}
	}
	return orderID, nil
}
