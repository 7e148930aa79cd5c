package logic

import (
	"context"
	"errors"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/threading"
)

// AutoCanceller cancels and restocks orders left pending longer than AutoCancel.After. Every
// order-rpc instance runs one; they need no coordination because each cancellation is a
// transition under a row lock (moveOrder): when two instances pick the same order, one cancels
// and restocks it and the other finds it already cancelled.
type AutoCanceller struct {
	svcCtx *svc.ServiceContext
	stop   chan struct{}
	done   chan struct{}
}

// StartAutoCanceller starts the scan loop; Stop ends it.
func StartAutoCanceller(svcCtx *svc.ServiceContext) *AutoCanceller {
	a := &AutoCanceller{svcCtx: svcCtx, stop: make(chan struct{}), done: make(chan struct{})}
	threading.GoSafe(a.loop)
	return a
}

// Stop ends the loop and waits for a running scan to finish.
func (a *AutoCanceller) Stop() {
	close(a.stop)
	<-a.done
}

func (a *AutoCanceller) loop() {
	defer close(a.done)
	ticker := time.NewTicker(a.svcCtx.Config.AutoCancel.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-ticker.C:
			a.scanOnce(context.Background())
		}
	}
}

// scanOnce cancels one batch of expired pending orders and returns how many this call cancelled.
func (a *AutoCanceller) scanOnce(ctx context.Context) int {
	cfg := a.svcCtx.Config.AutoCancel
	expired, err := a.svcCtx.Orders.FindPendingBefore(ctx, time.Now().Add(-cfg.After), cfg.Batch)
	if err != nil {
		logx.WithContext(ctx).Errorf("auto-cancel: %v", err)
		return 0
	}
	cancelled := 0
	for _, o := range expired {
		moved, err := moveOrder(ctx, a.svcCtx, o, model.StatusCancelled, time.Now())
		switch {
		case errors.Is(err, xerr.ErrIllegalTransition):
			// Paid in the meantime: nothing to do.
		case err != nil:
			logx.WithContext(ctx).Errorf("auto-cancel order %s: %v", o.Sn, err)
		case moved:
			cancelled++
			logx.WithContext(ctx).Infof("auto-cancelled order %s, unpaid for %s", o.Sn, cfg.After)
		}
	}
	return cancelled
}
