package xerr

import (
	"net/http"

	"google.golang.org/grpc/codes"
)

// Order service errors (3000-3999). Two of them name a product that is not there, and differ by
// who asked: ErrProductNotFound (404) answers a request for the product itself (GET, an admin's
// change); ErrUnknownProduct (400) refuses an order whose line names a product that does not
// exist or is no longer for sale, so the request, not a resource, is at fault.
var (
	ErrUnknownProduct       = New(3001, codes.InvalidArgument, http.StatusBadRequest, "unknown product")
	ErrOutOfStock           = New(3002, codes.FailedPrecondition, http.StatusConflict, "out of stock")
	ErrOrderNotFound        = New(3003, codes.NotFound, http.StatusNotFound, "order not found")
	ErrIllegalTransition    = New(3004, codes.FailedPrecondition, http.StatusConflict, "order cannot change to that status")
	ErrIdempotencyKeyReused = New(3005, codes.FailedPrecondition, http.StatusConflict, "Idempotency-Key already used for a different order")
	ErrOrderCancelled       = New(3006, codes.FailedPrecondition, http.StatusConflict, "order is cancelled")
	ErrProductNotFound      = New(3007, codes.NotFound, http.StatusNotFound, "product not found")
	ErrStockBelowZero       = New(3008, codes.FailedPrecondition, http.StatusConflict, "stock cannot go below zero")
	ErrSkuTaken             = New(3009, codes.AlreadyExists, http.StatusConflict, "sku already used by another product")
	ErrTooManyPending       = New(3010, codes.FailedPrecondition, http.StatusTooManyRequests, "too many unpaid orders: pay or cancel one first")
	ErrHoldLimit            = New(3011, codes.FailedPrecondition, http.StatusConflict, "order was held for payment as long as allowed")
)
