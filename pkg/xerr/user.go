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

// Session errors. A refresh token that is unknown, used or expired gets the same answer, so a
// thief learns nothing from trying.
var (
	ErrSessionEnded        = New(2006, codes.Unauthenticated, http.StatusUnauthorized, "session has ended, log in again")
	ErrInvalidRefreshToken = New(2007, codes.Unauthenticated, http.StatusUnauthorized, "invalid, used or expired refresh token")
	ErrRegisterThrottled   = New(2008, codes.FailedPrecondition, http.StatusTooManyRequests, "too many registrations from this address, try again later")
)
