package logic

import (
	"errors"
	"testing"
	"time"

	"zeromall/apps/payment/rpc/payment"
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
	good := func() *payment.CallbackReq {
		return &payment.CallbackReq{PaymentSn: "x", TradeNo: "SBX-1_a", Status: "succeeded", Amount: 100, PaidAt: now}
	}
	if err := checkCallback(good()); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*payment.CallbackReq){
		"failed status":   func(c *payment.CallbackReq) { c.Status = "failed" },
		"empty trade":     func(c *payment.CallbackReq) { c.TradeNo = "" },
		"long trade":      func(c *payment.CallbackReq) { c.TradeNo = string(make([]byte, 65)) },
		"odd trade":       func(c *payment.CallbackReq) { c.TradeNo = "a'b" },
		"zero amount":     func(c *payment.CallbackReq) { c.Amount = 0 },
		"negative amount": func(c *payment.CallbackReq) { c.Amount = -5 },
		"no time":         func(c *payment.CallbackReq) { c.PaidAt = 0 },
		"future time":     func(c *payment.CallbackReq) { c.PaidAt = now + 3600 },
	} {
		c := good()
		mutate(c)
		if err := checkCallback(c); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
