package orders

import (
	"context"
	"database/sql"
	"math/rand/v2"

	"zeromall/apps/order/model"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// The cap on unpaid orders (Limits.PendingPerUser) is kept with slots: a pending order holds one
// of its buyer's slots 0 … cap-1 (orders.pending_slot, unique per buyer) and gives it back when
// it is paid or cancelled (TransitionTx). A creation claims a free slot in the INSERT of its
// order, so the unique key alone keeps parallel creations from passing the cap together, and
// two creations of one buyer only wait on each other when they pick the same slot — which
// happens when the buyer is near the cap. There is no lock per buyer: far from the cap, a
// buyer's orders are written in parallel.
//
// A creation that finds its slot taken rolls its transaction back and tries again (Create):
// going on in the same transaction would keep the lock InnoDB takes on the other order's slot
// while inserting elsewhere, and two such creations deadlock.
const (
	// readSlotsUpTo: with a cap this small (production's is 5), each attempt first reads which
	// slots are taken, a plain read of at most about cap rows, and the cap is exact. Above it
	// (development and load tests lift the cap to 100000) picks are blind — a read would cost
	// as many rows as the buyer has unpaid orders — and start from a turn that advances with
	// every creation, so one busy buyer's orders take consecutive slots and seldom collide.
	readSlotsUpTo = 64
	// maxAttempts bounds the attempts of one creation. Past it the buyer is at the cap in all
	// but name: its other creations keep taking the slots this one finds free, or (blind picks
	// only) nearly every one of a large cap's slots is held.
	maxAttempts = 16
)

// slotPicker chooses the slot each attempt of one creation tries.
type slotPicker struct {
	limit    int64
	taken    map[int64]bool // held, as far as this creation has seen
	start    int64          // where the next pick starts looking
	attempts int
}

func (s *Service) newSlotPicker() *slotPicker {
	limit := s.limits.PendingPerUser
	start := rand.Int64N(limit)
	if limit > readSlotsUpTo {
		start = (s.slotTurn.Add(1) & (1<<62 - 1)) % limit
	}
	return &slotPicker{limit: limit, taken: map[int64]bool{}, start: start}
}

// again reports whether the creation may try once more after its slot was taken.
func (p *slotPicker) again() bool {
	return p.attempts < maxAttempts
}

// insertPending inserts the pending order o in a free slot of its buyer and returns its id;
// taken is true, with nothing written, when another order holds the slot it tried. It is
// ErrTooManyPending when the buyer holds every slot.
func (s *Service) insertPending(ctx context.Context, tx sqlx.Session, p *slotPicker, o *model.Orders) (id int64, taken bool, err error) {
	p.attempts++
	if p.limit <= readSlotsUpTo {
		slots, err := s.orders.PendingSlotsTx(ctx, tx, o.UserId)
		if err != nil {
			return 0, false, err
		}
		if int64(len(slots)) >= p.limit { // also counts slots at or over a lowered cap
			return 0, false, s.tooManyPending()
		}
		clear(p.taken) // this snapshot is newer than what earlier attempts saw
		for _, slot := range slots {
			p.taken[slot] = true
		}
	}
	slot, ok := freeSlot(p.limit, p.start, p.taken)
	if !ok {
		return 0, false, s.tooManyPending()
	}
	o.PendingSlot = sql.NullInt64{Int64: slot, Valid: true}
	id, inserted, err := s.orders.InsertTx(ctx, tx, o)
	if err != nil || inserted {
		return id, false, err
	}
	p.taken[slot] = true
	p.start = rand.Int64N(p.limit) // away from whoever took this one
	return 0, true, nil
}

// freeSlot returns the first slot at or after start (wrapping within [0, limit)) that is not
// taken.
func freeSlot(limit, start int64, taken map[int64]bool) (int64, bool) {
	if int64(len(taken)) >= limit {
		return 0, false
	}
	for i := range limit {
		if slot := (start + i) % limit; !taken[slot] {
			return slot, true
		}
	}
	return 0, false
}

func (s *Service) tooManyPending() error {
	return xerr.ErrTooManyPending.WithMsgf("too many unpaid orders: at most %d may be pending at once; pay or cancel one first", s.limits.PendingPerUser)
}
