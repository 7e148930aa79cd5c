// Package jwtx mints zeromall access tokens and reads the caller's id from a verified request.
// Gateways verify tokens with go-zero's `jwt:` (rest.WithJwt), which puts every claim into the
// request context; user-rpc mints them here.
package jwtx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zeromall/pkg/xerr"

	"github.com/golang-jwt/jwt/v4"
)

// ClaimUID is the claim that carries the user id.
const ClaimUID = "uid"

// MinSecretLen guards against toy HS256 secrets; 32 bytes matches the hash size.
const MinSecretLen = 32

// ErrNoUID means the context carries no usable uid claim: the caller is not authenticated.
var ErrNoUID = xerr.ErrUnauthorized

// Token is a minted access token with its expiry and the time a client should refresh it.
type Token struct {
	AccessToken  string
	AccessExpire int64 // unix seconds
	RefreshAfter int64 // unix seconds
}

// CheckSecret rejects secrets too short for HS256.
func CheckSecret(secret string) error {
	if len(secret) < MinSecretLen {
		return fmt.Errorf("jwt secret must be at least %d bytes, got %d", MinSecretLen, len(secret))
	}
	return nil
}

// Mint signs an HS256 token for uid valid for ttl from now.
func Mint(secret string, uid int64, now time.Time, ttl time.Duration) (Token, error) {
	exp := now.Add(ttl)
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return Token{}, fmt.Errorf("token id: %w", err)
	}
	claims := jwt.MapClaims{
		ClaimUID: uid,
		"iat":    now.Unix(),
		"exp":    exp.Unix(),
		"jti":    hex.EncodeToString(jti), // two tokens minted in one second still differ
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		return Token{}, fmt.Errorf("sign token: %w", err)
	}
	return Token{
		AccessToken:  signed,
		AccessExpire: exp.Unix(),
		RefreshAfter: now.Add(ttl / 2).Unix(),
	}, nil
}

// UID returns the verified caller's id. go-zero stores numeric claims as json.Number.
func UID(ctx context.Context) (int64, error) {
	var (
		uid int64
		err error
	)
	switch v := ctx.Value(ClaimUID).(type) {
	case json.Number:
		uid, err = v.Int64()
	case float64:
		uid, err = int64(v), nil
		if float64(uid) != v {
			err = errors.New("not an integer")
		}
	case string:
		uid, err = strconv.ParseInt(v, 10, 64)
	default:
		return 0, ErrNoUID
	}
	if err != nil || uid <= 0 {
		return 0, ErrNoUID
	}
	return uid, nil
}
