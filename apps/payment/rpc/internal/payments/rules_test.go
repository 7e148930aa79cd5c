package payments

import (
	"errors"
	"testing"
	"time"

	"zeromall/pkg/xerr"
)

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
