package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/store"
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

	expired := false // an expired record holds the key: the creation replaces it
	if key != "" {
		o, stale, err := s.replay(ctx, buyer, key, hash, false)
		if o != nil || err != nil {
			return o, err
		}
		expired = stale
	}
	o, err := s.create(ctx, buyer, lines, key, hash, expired)
	if key != "" && store.IsDuplicateOf(err, "uk_user_key") {
		// A concurrent request with the same key committed first (ours rolled back, stock
		// included), or an expired record the cached read did not show holds the key.
		o, stale, err := s.replay(ctx, buyer, key, hash, true)
		if o != nil || err != nil || !stale {
			return o, err
		}
		return s.create(ctx, buyer, lines, key, hash, true)
	}
	return o, err
}

// replay returns the order an idempotency key already created, or nil when the key is new or
// has expired (expired: a record of the key is there to be replaced). fresh reads MySQL,
// bypassing a cached not-found that a concurrent request may have left.
func (s *Service) replay(ctx context.Context, buyer int64, key, hash string, fresh bool) (o *Order, expired bool, err error) {
	var rec *model.OrderIdempotency
	if fresh {
		rec, err = s.idempotency.FindFresh(ctx, buyer, key)
	} else {
		rec, err = s.idempotency.FindOneByUserIdIdempotencyKey(ctx, buyer, key)
	}
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("find idempotency key: %w", err)
	case rec.CreatedAt.Before(s.keyCutoff()):
		return nil, true, nil
	case rec.RequestHash != hash:
		return nil, false, xerr.ErrIdempotencyKeyReused
	}
	row, err := s.orders.FindOne(ctx, rec.OrderId)
	if err != nil {
		return nil, false, fmt.Errorf("find order %d of idempotency key: %w", rec.OrderId, err)
	}
	o, err = s.withItems(ctx, row)
	return o, false, err
}

// create writes the order, its lines and its idempotency key (replacing an expired record of the
// key when there is one) and takes the stock, all in one transaction; a line that cannot be
// served rolls everything back. It answers with what the transaction wrote, without reading it
// back. An attempt whose pending slot or order number (1 in 10^10 within a second) was taken
// rolls back and the next one tries another (pending.go).
func (s *Service) create(ctx context.Context, buyer int64, lines []Line, key, hash string, expired bool) (*Order, error) {
	productIDs := make([]int64, len(lines))
	for i, ln := range lines {
		productIDs[i] = ln.ProductID
	}
	// The key's cached not-found, if a replay left one, is stale too.
	keys := s.products.StaleKeys(productIDs...)
	if key != "" {
		keys = append(keys, s.idempotency.CacheKeys(&model.OrderIdempotency{UserId: buyer, IdempotencyKey: key})...)
	}
	picker := s.newSlotPicker()
	for {
		var (
			o     *Order
			taken bool
		)
		err := s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
			var err error
			if o, taken, err = s.insertTx(ctx, tx, picker, buyer, lines, productIDs, key, hash, expired); err != nil {
				return err
			}
			if taken {
				// Rolls back; an answer, not a MySQL failure, for the breaker (pkg/store).
				return s.tooManyPending()
			}
			if err := s.journal.RecordTx(ctx, tx, keys...); err != nil {
				return err
			}
			if err := s.events.Outbox.AddTx(ctx, tx, created(ctx, o)); err != nil {
				return err
			}
			// Last: a popular product's row is then locked only for this statement and the commit.
			return s.takeStockTx(ctx, tx, o)
		})
		if taken && picker.again() {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.afterCommit(ctx, "order.created", buyer, keys)
		s.events.Queued()
		return o, nil
	}
}

// insertTx writes the order, its lines, their stock ledger rows and the idempotency key; taken
// reports, with nothing written, that the pending slot or order number it tried was held.
func (s *Service) insertTx(ctx context.Context, tx sqlx.Session, picker *slotPicker, buyer int64, lines []Line,
	productIDs []int64, key, hash string, expired bool) (o *Order, taken bool, err error) {
	products, err := s.products.FindManyTx(ctx, tx, productIDs)
	if err != nil {
		return nil, false, err
	}
	byID := make(map[int64]*model.Products, len(products))
	for _, p := range products {
		byID[p.Id] = p
	}

	// The order's time is set here, not by MySQL's clock, so the answer is what a read returns.
	now := time.Now().UTC().Truncate(time.Second)
	sn := s.newSN(now)
	items := make([]*model.OrderItems, 0, len(lines))
	var total int64
	for _, ln := range lines {
		p, ok := byID[ln.ProductID]
		if !ok {
			return nil, false, xerr.ErrUnknownProduct.WithMsgf("items: unknown product %d", ln.ProductID)
		}
		if p.Active != model.ProductActive {
			return nil, false, xerr.ErrUnknownProduct.WithMsgf("items: product %d is no longer for sale", ln.ProductID)
		}
		items = append(items, &model.OrderItems{ProductId: p.Id, Title: p.Title, Price: p.Price, Quantity: ln.Quantity})
		total += p.Price * ln.Quantity
	}

	// The order goes in first and the stock is taken last (takeStockTx): a creation waiting for
	// a slot holds no product row that the slot's holder may need.
	order := &model.Orders{
		Sn:          sn,
		UserId:      buyer,
		Status:      Pending.String(),
		TotalAmount: total,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	orderID, taken, err := s.insertPending(ctx, tx, picker, order)
	if err != nil || taken {
		return nil, taken, err
	}
	order.Id = orderID
	ledger := make([]*model.StockLedger, len(items))
	for i, it := range items {
		ledger[i] = &model.StockLedger{ProductId: it.ProductId, Delta: -it.Quantity, Kind: model.StockOrder, OrderSn: sn}
	}
	if err := s.items.InsertManyTx(ctx, tx, orderID, items); err != nil {
		return nil, false, err
	}
	if err := s.ledger.InsertManyTx(ctx, tx, ledger); err != nil {
		return nil, false, err
	}
	if key != "" {
		if expired {
			if err := s.idempotency.DeleteExpiredTx(ctx, tx, buyer, key, s.keyCutoff()); err != nil {
				return nil, false, err
			}
		}
		err := s.idempotency.InsertTx(ctx, tx, &model.OrderIdempotency{
			UserId: buyer, IdempotencyKey: key, OrderId: orderID, RequestHash: hash,
		})
		if err != nil {
			return nil, false, err
		}
	}
	for _, it := range items {
		it.OrderId = orderID
	}
	o, err = toOrder(order, items)
	return o, false, err
}

// takeStockTx takes the stock of o's lines; a line out of stock rolls the order back.
func (s *Service) takeStockTx(ctx context.Context, tx sqlx.Session, o *Order) error {
	for _, it := range o.Items {
		ok, err := s.products.TakeStockTx(ctx, tx, it.ProductID, it.Quantity)
		if err != nil {
			return err
		}
		if !ok {
			return xerr.ErrOutOfStock.WithMsgf("out of stock: %s", it.Title)
		}
	}
	return nil
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
