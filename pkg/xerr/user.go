package xerr

import (
	"net/http"

	"google.golang.org/grpc/codes"
)

// User service errors (2000-2999).
var (
	ErrEmailTaken         = New(2001, codes.AlreadyExists, http.StatusConflict, "email already registered")
	ErrInvalidCredentials = New(2002, codes.Unauthenticated, http.StatusUnauthorized, "email or password is incorrect")
	ErrUserNotFound       = New(2003, codes.NotFound, http.StatusNotFound, "user not found")
	ErrLoginThrottled     = New(2004, codes.FailedPrecondition, http.StatusTooManyRequests, "too many login attempts, try again later")
	ErrAccountDisabled    = New(2005, codes.PermissionDenied, http.StatusForbidden, "account disabled")
)
