package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/dberr"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Create prices lines from the catalogue and takes their stock in one transaction, as a pending
// order of buyer. With an idempotency key, the same key from the same buyer returns the same
// order; the key with other lines is ErrIdempotencyKeyReused.
func (s *Service) Create(ctx context.Context, buyer int64, requested []Line, key string) (*Order, error) {
	if err := xerr.CheckUserID(buyer); err != nil {
		return nil, err
	}
	lines, err := CheckLines(requested)
	if err != nil {
		return nil, err
	}
	if err := CheckIdempotencyKey(key); err != nil {
		return nil, err
	}
	hash := RequestHash(lines)

	if key != "" {
		if o, err := s.replay(ctx, buyer, key, hash, false); o != nil || err != nil {
			return o, err
		}
	}
	o, err := s.create(ctx, buyer, lines, key, hash)
	for attempt := 1; attempt < snAttempts && dberr.IsDuplicateOf(err, "uk_sn"); attempt++ {
		// The order number was taken (1 in 10^10 within a second): everything rolled back, so
		// draw another one.
		o, err = s.create(ctx, buyer, lines, key, hash)
	}
	if key != "" && dberr.IsDuplicateOf(err, "uk_user_key") {
		// A concurrent request with the same key committed first; ours rolled back, stock included.
		return s.replay(ctx, buyer, key, hash, true)
	}
	return o, err
}

// snAttempts is how many order numbers Create draws before it gives up.
const snAttempts = 3

// replay returns the order an idempotency key already created, or nil when the key is new or
// has expired. fresh reads MySQL, bypassing a cached not-found that a concurrent request may have
// left.
func (s *Service) replay(ctx context.Context, buyer int64, key, hash string, fresh bool) (*Order, error) {
	var (
		rec *model.OrderIdempotency
		err error
	)
	if fresh {
		rec, err = s.idempotency.FindFresh(ctx, buyer, key)
	} else {
		rec, err = s.idempotency.FindOneByUserIdIdempotencyKey(ctx, buyer, key)
	}
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("find idempotency key: %w", err)
	case rec.CreatedAt.Before(s.keyCutoff()):
		return nil, nil // expired: the create transaction replaces it
	case rec.RequestHash != hash:
		return nil, xerr.ErrIdempotencyKeyReused
	}
	o, err := s.orders.FindOne(ctx, rec.OrderId)
	if err != nil {
		return nil, fmt.Errorf("find order %d of idempotency key: %w", rec.OrderId, err)
	}
	return s.withItems(ctx, o)
}

// create writes the order, its lines and its idempotency key and takes the stock, all in one
// transaction; a line that cannot be served rolls everything back. It answers with what the
// transaction wrote, without reading it back.
func (s *Service) create(ctx context.Context, buyer int64, lines []Line, key, hash string) (*Order, error) {
	productIDs := make([]int64, len(lines))
	for i, ln := range lines {
		productIDs[i] = ln.ProductID
	}
	// The key's cached not-found, if a replay left one, is stale too.
	keys := s.products.StaleKeys(productIDs...)
	if key != "" {
		keys = append(keys, s.idempotency.CacheKeys(&model.OrderIdempotency{UserId: buyer, IdempotencyKey: key})...)
	}
	var o *Order
	err := s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		var err error
		if o, err = s.insertTx(ctx, tx, buyer, lines, productIDs, key, hash); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return nil, err
	}
	s.afterCommit(ctx, "order.created", buyer, keys)
	return o, nil
}

func (s *Service) insertTx(ctx context.Context, tx sqlx.Session, buyer int64, lines []Line,
	productIDs []int64, key, hash string) (*Order, error) {
	pending, err := s.orders.CountPendingTx(ctx, tx, buyer)
	if err != nil {
		return nil, err
	}
	if pending >= s.limits.PendingPerUser {
		return nil, xerr.ErrTooManyPending.WithMsgf("too many unpaid orders: at most %d may be pending at once; pay or cancel one first", s.limits.PendingPerUser)
	}
	products, err := s.products.FindManyTx(ctx, tx, productIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.Products, len(products))
	for _, p := range products {
		byID[p.Id] = p
	}

	// The order's time is set here, not by MySQL's clock, so the answer is what a read returns.
	now := time.Now().UTC().Truncate(time.Second)
	sn := s.newSN(now)
	items := make([]*model.OrderItems, 0, len(lines))
	taken := make([]*model.StockLedger, 0, len(lines))
	var total int64
	for _, ln := range lines {
		p, ok := byID[ln.ProductID]
		if !ok {
			return nil, xerr.ErrUnknownProduct.WithMsgf("items: unknown product %d", ln.ProductID)
		}
		if p.Active != model.ProductActive {
			return nil, xerr.ErrUnknownProduct.WithMsgf("items: product %d is no longer for sale", ln.ProductID)
		}
		ok, err := s.products.TakeStockTx(ctx, tx, p.Id, ln.Quantity)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, xerr.ErrOutOfStock.WithMsgf("out of stock: %s", p.Title)
		}
		taken = append(taken, &model.StockLedger{ProductId: p.Id, Delta: -ln.Quantity, Kind: model.StockOrder, OrderSn: sn})
		items = append(items, &model.OrderItems{ProductId: p.Id, Title: p.Title, Price: p.Price, Quantity: ln.Quantity})
		total += p.Price * ln.Quantity
	}

	order := &model.Orders{
		Sn:          sn,
		UserId:      buyer,
		Status:      Pending.String(),
		TotalAmount: total,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	orderID, err := s.orders.InsertTx(ctx, tx, order)
	if err != nil {
		return nil, err
	}
	order.Id = orderID
	if err := s.items.InsertManyTx(ctx, tx, orderID, items); err != nil {
		return nil, err
	}
	if err := s.ledger.InsertManyTx(ctx, tx, taken); err != nil {
		return nil, err
	}
	if key != "" {
		if err := s.idempotency.DeleteExpiredTx(ctx, tx, buyer, key, s.keyCutoff()); err != nil {
			return nil, err
		}
		err := s.idempotency.InsertTx(ctx, tx, &model.OrderIdempotency{
			UserId: buyer, IdempotencyKey: key, OrderId: orderID, RequestHash: hash,
		})
		if err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		it.OrderId = orderID
	}
	return toOrder(order, items)
}

// keyCutoff is the creation time before which an idempotency key has expired.
func (s *Service) keyCutoff() time.Time {
	return time.Now().Add(-s.keyTTL)
}

// PurgeExpiredKeys deletes up to batch expired idempotency keys and returns how many it deleted.
// A key that is still cached is recognised as expired by its creation time.
func (s *Service) PurgeExpiredKeys(ctx context.Context, batch int) (int64, error) {
	return s.PurgeKeysBefore(ctx, s.keyCutoff(), batch)
}

// PurgeKeysBefore deletes up to batch idempotency keys created before cutoff (a retention.Purge).
func (s *Service) PurgeKeysBefore(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	return s.idempotency.PurgeBefore(ctx, cutoff, batch)
}
