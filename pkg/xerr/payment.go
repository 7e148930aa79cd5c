package xerr

import (
	"net/http"

	"google.golang.org/grpc/codes"
)

// Payment service errors (4000-4999).
var (
	ErrBadSignature         = New(4001, codes.Unauthenticated, http.StatusUnauthorized, "missing or invalid signature")
	ErrPaymentNotFound      = New(4002, codes.NotFound, http.StatusNotFound, "payment not found")
	ErrAmountMismatch       = New(4003, codes.InvalidArgument, http.StatusBadRequest, "amount does not match the payment")
	ErrOrderNotPayable      = New(4004, codes.FailedPrecondition, http.StatusConflict, "order is not pending")
	ErrPaymentNotRefundable = New(4005, codes.FailedPrecondition, http.StatusConflict, "only a succeeded payment can be refunded")
	ErrPaymentSettled       = New(4006, codes.FailedPrecondition, http.StatusConflict, "payment is already settled")
	ErrProviderFailed       = New(4007, codes.Unavailable, http.StatusBadGateway, "payment provider did not accept the request")
)
