package payments

import (
	"errors"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/xerr"
)

func TestBackoff_DoublesUpToTheCap(t *testing.T) {
	min, max := 200*time.Millisecond, 5*time.Second
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		1600 * time.Millisecond, 3200 * time.Millisecond, 5 * time.Second, 5 * time.Second}
	for attempts, w := range want {
		if got := backoff(min, max, int64(attempts)); got != w {
			t.Errorf("attempt %d: %s, want %s", attempts, got, w)
		}
	}
	if got := backoff(min, max, 1<<40); got != max {
		t.Errorf("huge attempt count: %s", got)
	}
}

func TestCheckCallback(t *testing.T) {
	now := time.Now().Unix()
	good := func() Callback {
		return Callback{PaymentSn: "x", TradeNo: "SBX-1_a", Succeeded: true, Amount: 100, PaidAt: now}
	}
	if err := checkCallback(good()); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Callback){
		"failed status":   func(c *Callback) { c.Succeeded = false },
		"empty trade":     func(c *Callback) { c.TradeNo = "" },
		"long trade":      func(c *Callback) { c.TradeNo = string(make([]byte, 65)) },
		"odd trade":       func(c *Callback) { c.TradeNo = "a'b" },
		"zero amount":     func(c *Callback) { c.Amount = 0 },
		"negative amount": func(c *Callback) { c.Amount = -5 },
		"no time":         func(c *Callback) { c.PaidAt = 0 },
		"future time":     func(c *Callback) { c.PaidAt = now + 3600 },
	} {
		c := good()
		mutate(&c)
		if err := checkCallback(c); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestClassify_DecidesWhatADeliveryAnswerMeans(t *testing.T) {
	cases := []struct {
		name  string
		topic string
		err   error
		want  outcomeKind
	}{
		{"acknowledged", model.TopicOrderPaid, nil, delivered},
		{"paid too late", model.TopicOrderPaid, xerr.ErrOrderCancelled, lateRefund},
		{"refund refused", model.TopicOrderRefunded, xerr.ErrIllegalTransition, failed},
		{"order unknown", model.TopicOrderPaid, xerr.ErrOrderNotFound, failed},
		{"order-rpc down", model.TopicOrderPaid, xerr.ErrServiceUnavailable, retry},
		{"anything else", model.TopicOrderRefunded, errors.New("connection reset"), retry},
	}
	for _, tc := range cases {
		if got := classify(tc.topic, tc.err).kind; got != tc.want {
			t.Errorf("%s: outcome %d, want %d", tc.name, got, tc.want)
		}
	}
}
