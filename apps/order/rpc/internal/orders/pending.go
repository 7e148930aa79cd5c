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
	// readSlotsUpTo: with a cap this small, each attempt first reads which slots are taken (a
	// plain read of about cap rows at most); above it, attempts pick blindly until
	// blindAttempts picks were taken, so a large cap costs no read per order.
	readSlotsUpTo = 64
	blindAttempts = 3
	// maxAttempts bounds the attempts of one creation; past it the buyer is at the cap in all
	// but name (its other creations keep taking the slots this one finds free).
	maxAttempts = 16
)

// slotPicker chooses the slot each attempt of one creation tries.
type slotPicker struct {
	limit    int64
	taken    map[int64]bool // held, as far as this creation has seen
	attempts int
}

func newSlotPicker(limit int64) *slotPicker {
	return &slotPicker{limit: limit, taken: map[int64]bool{}}
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
	if p.limit <= readSlotsUpTo || p.attempts > blindAttempts {
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
	slot, ok := freeSlot(p.limit, p.taken)
	if !ok {
		return 0, false, s.tooManyPending()
	}
	o.PendingSlot = sql.NullInt64{Int64: slot, Valid: true}
	id, inserted, err := s.orders.InsertTx(ctx, tx, o)
	if err != nil || inserted {
		return id, false, err
	}
	p.taken[slot] = true
	return 0, true, nil
}

// freeSlot picks a slot in [0, limit) that is not taken, probing from a random one so that
// parallel creations spread over the free slots.
func freeSlot(limit int64, taken map[int64]bool) (int64, bool) {
	if int64(len(taken)) >= limit {
		return 0, false
	}
	start := rand.Int64N(limit)
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
