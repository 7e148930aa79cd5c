package payments

import (
	"context"
	"time"
)

// Order is what the payment domain knows of an order.
type Order struct {
	Sn     string
	UserID int64
	Amount int64 // cents
}

// Orders is order-rpc as the payment domain uses it; package orderrpc adapts the generated
// client, so no gRPC type reaches the domain.
type Orders interface {
	// Hold reads a pending order of owner and keeps it from auto-cancel until `until`; anyone
	// else's is xerr.ErrOrderNotFound, one no longer pending xerr.ErrOrderNotPayable.
	Hold(ctx context.Context, owner int64, sn string, until time.Time) (Order, error)
}
