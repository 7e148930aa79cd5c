package xerr

import (
	"net/http"

	"google.golang.org/grpc/codes"
)

// Order service errors (3000-3999).
var (
	ErrProductNotFound      = New(3001, codes.InvalidArgument, http.StatusBadRequest, "unknown product")
	ErrOutOfStock           = New(3002, codes.FailedPrecondition, http.StatusConflict, "out of stock")
	ErrOrderNotFound        = New(3003, codes.NotFound, http.StatusNotFound, "order not found")
	ErrIllegalTransition    = New(3004, codes.FailedPrecondition, http.StatusConflict, "order cannot change to that status")
	ErrIdempotencyKeyReused = New(3005, codes.FailedPrecondition, http.StatusConflict, "Idempotency-Key already used for a different order")
	ErrOrderCancelled       = New(3006, codes.FailedPrecondition, http.StatusConflict, "order is cancelled")
	ErrNoSuchProduct        = New(3007, codes.NotFound, http.StatusNotFound, "product not found")
	ErrStockBelowZero       = New(3008, codes.FailedPrecondition, http.StatusConflict, "stock cannot go below zero")
	ErrSkuTaken             = New(3009, codes.AlreadyExists, http.StatusConflict, "sku already used by another product")
	ErrTooManyPending       = New(3010, codes.FailedPrecondition, http.StatusTooManyRequests, "too many unpaid orders: pay or cancel one first")
	ErrHoldLimit            = New(3011, codes.FailedPrecondition, http.StatusConflict, "order was held for payment as long as allowed")
)
