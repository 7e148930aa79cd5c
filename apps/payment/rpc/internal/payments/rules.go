package payments

import (
	"time"

	"zeromall/pkg/xerr"
)

const (
	maxTradeNoLen = 64
	// A provider's clock may run a little ahead of ours; further is not a real payment time.
	maxClockSkew = 10 * time.Minute
)

// Callback is a provider notification whose signature the gateway verified.
type Callback struct {
	PaymentSn string
	TradeNo   string
	Succeeded bool // the only outcome a provider notifies
	Amount    int64
	PaidAt    int64 // unix seconds
}

func checkCallback(in Callback) error {
	switch {
	case !in.Succeeded:
		return xerr.Field("status", `must be "succeeded"`)
	case in.TradeNo == "" || len(in.TradeNo) > maxTradeNoLen:
		return xerr.Field("tradeNo", "must hold 1 to 64 characters")
	case in.Amount <= 0:
		return xerr.Field("amount", "must be positive")
	case in.PaidAt <= 0 || time.Unix(in.PaidAt, 0).After(time.Now().Add(maxClockSkew)):
		return xerr.Field("paidAt", "must be a unix time, not in the future")
	}
	for _, r := range in.TradeNo {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return xerr.Field("tradeNo", "may hold only letters, digits, - and _")
		}
	}
	return nil
}
