// Package orders is order-rpc's domain: the catalogue with its stock ledger, orders and their
// state machine, and the events that announce each order's change (events.go).
// Every rule and every transaction of the service lives here; the goctl logic files only decode
// a request, call a Service method and map the answer.
package orders

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/events"
	"zeromall/pkg/ids"
	"zeromall/pkg/store"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Service owns the order database.
type Service struct {
	db          sqlx.SqlConn
	products    ProductRows
	orders      OrderRows
	items       ItemRows
	idempotency IdempotencyRows
	ledger      LedgerRows
	sales       SalesRows
	journal     *store.Journal
	events      events.Kit
	keyTTL      time.Duration
	limits      Limits
	newSN       func(time.Time) string
	replica     *store.Replica // nil: every read on the primary
	ownWrites   time.Duration
	committed   func()       // tests: runs after every commit, before what follows it
	slotTurn    atomic.Int64 // where blind slot picks start (pending.go)
}

// New builds the service on one MySQL connection (its transactions) and its tables, with the
// journal its transactions record stale cache keys in and the outbox and inbox of its events. An
// Idempotency-Key is remembered for keyTTL: after that the same key creates a new order.
func New(db sqlx.SqlConn, t Tables, keyTTL time.Duration, journal *store.Journal, ev events.Kit) *Service {
	s := &Service{
		db:          db,
		products:    t.Products,
		orders:      t.Orders,
		items:       t.Items,
		idempotency: t.Idempotency,
		ledger:      t.Ledger,
		sales:       t.Sales,
		journal:     journal,
		events:      ev,
		keyTTL:      keyTTL,
		limits:      DefaultLimits,
		newSN:       ids.NewSN,
	}
	s.slotTurn.Store(rand.Int64())
	return s
}

// Limits bound the stock one buyer can tie up without paying.
type Limits struct {
	PendingPerUser int64         // unpaid orders a user may have at once
	MaxHold        time.Duration // an order is held for a payment at most this long after it was placed
}

// DefaultLimits are New's.
var DefaultLimits = Limits{PendingPerUser: 5, MaxHold: time.Hour}

// SetLimits replaces DefaultLimits.
func (s *Service) SetLimits(l Limits) {
	s.limits = l
}

// UseReplica sends the reads that tolerate lag to r (see doc/scaling.md, "Stale reads"): the
// catalogue's pages, and a user's order list unless that user changed an order within ownWrites,
// which must outlast the replica's lag.
func (s *Service) UseReplica(r *store.Replica, ownWrites time.Duration) {
	s.replica, s.ownWrites = r, ownWrites
}

// readOwn runs read, which reads owner's own data, on the replica unless owner wrote recently
// (or that cannot be told): a user sees their own changes at once.
func (s *Service) readOwn(ctx context.Context, owner int64, read func(ctx context.Context) error) error {
	if !s.replica.Healthy() {
		return read(ctx)
	}
	if wrote, err := s.orders.WroteRecently(ctx, owner); err != nil || wrote {
		return read(ctx)
	}
	return s.replica.Read(ctx, read)
}

// wrote records that owner's orders changed, for readOwn, even if the caller has gone.
func (s *Service) wrote(ctx context.Context, owner int64) {
	if s.replica == nil {
		return
	}
	ctx, cancel := store.AfterCommit(ctx)
	defer cancel()
	if err := s.orders.NoteWriteBy(ctx, owner, s.ownWrites); err != nil {
		logx.WithContext(ctx).Errorf("note a write by user %d: %v", owner, err)
	}
}

// Get reads one order of owner; anyone else's is ErrOrderNotFound.
func (s *Service) Get(ctx context.Context, owner int64, sn string) (*Order, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	o, err := s.find(ctx, sn, owner)
	if err != nil {
		return nil, err
	}
	return s.withItems(ctx, o)
}

// List returns one page of owner's orders, newest first, only those in status unless it is 0,
// and the number of orders matching.
func (s *Service) List(ctx context.Context, owner int64, status Status, page, pageSize int64) ([]*Order, int64, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, 0, err
	}
	page, pageSize, err := checkPaging(page, pageSize)
	if err != nil {
		return nil, 0, err
	}
	if _, known := statusWords[status]; status != 0 && !known {
		return nil, 0, ErrUnknownStatusFilter
	}
	var (
		list  []*model.Orders
		total int64
		items map[int64][]*model.OrderItems
	)
	err = s.readOwn(ctx, owner, func(ctx context.Context) error {
		var err error
		if list, total, err = s.orders.ListByUser(ctx, owner, statusWords[status], (page-1)*pageSize, pageSize); err != nil {
			return err
		}
		orderIDs := make([]int64, len(list))
		for i, o := range list {
			orderIDs[i] = o.Id
		}
		items, err = s.items.ListByOrders(ctx, orderIDs)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	result := make([]*Order, len(list))
	for i, o := range list {
		if result[i], err = toOrder(o, items[o.Id]); err != nil {
			return nil, 0, err
		}
	}
	return result, total, nil
}

// find reads an order by number; owner > 0 restricts it to that user's orders, and anyone
// else's is reported as not found, never as forbidden, so numbers cannot be probed.
func (s *Service) find(ctx context.Context, sn string, owner int64) (*model.Orders, error) {
	if !ids.ValidSN(sn) { // before it reaches MySQL or a cache key
		return nil, xerr.ErrOrderNotFound
	}
	o, err := s.orders.FindOneBySn(ctx, sn)
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

func (s *Service) withItems(ctx context.Context, o *model.Orders) (*Order, error) {
	items, err := s.items.ListByOrder(ctx, o.Id)
	if err != nil {
		return nil, err
	}
	return toOrder(o, items)
}

// transact runs fn in one MySQL transaction, again when it lost a lock race (deadlock, lock
// wait timeout), up to deadlockRetries times.
func (s *Service) transact(ctx context.Context, fn func(ctx context.Context, tx sqlx.Session) error) error {
	return store.RetryLockRaces(ctx, deadlockRetries, func() error {
		err := s.db.TransactCtx(ctx, fn)
		if err == nil && s.committed != nil {
			s.committed()
		}
		return err
	})
}
