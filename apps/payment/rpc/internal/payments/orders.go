package payments

import "context"

// Order is what the payment domain knows of an order.
type Order struct {
	Sn     string
	UserID int64
	Amount int64 // cents
	// Status is the order's status as the HTTP API words it ("pending", "paid", …), for messages.
	Status  string
	Pending bool
}

// Orders is order-rpc as the payment domain uses it; package orderrpc adapts the generated
// client, so no gRPC type reaches the domain.
type Orders interface {
	// Get reads an order of owner; anyone else's is xerr.ErrOrderNotFound.
	Get(ctx context.Context, owner int64, sn string) (Order, error)
	// MarkPaid and MarkRefunded tell order-rpc of a settled payment; both are idempotent there.
	MarkPaid(ctx context.Context, sn string, paidAt int64) error
	MarkRefunded(ctx context.Context, sn string) error
}
