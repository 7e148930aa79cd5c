// token.go mints and verifies zeromall access tokens: HS256 JWTs that carry the user id
// (uid), the session they belong to (sid) and the user's role when minted (role). user-rpc mints them; every gateway verifies them
// with Verifier (through pkg/gateway), never with go-zero's `jwt:` handler, which logs whole
// requests on every rejected token.

package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"zeromall/pkg/xerr"

	"github.com/golang-jwt/jwt/v5"
)

// MinSecretLen guards against toy HS256 secrets; 32 bytes matches the hash size.
const MinSecretLen = 32

// Leeway absorbs clock skew between the minting user-rpc and a verifying gateway.
const Leeway = 5 * time.Second

// maxTokenLen bounds what the verifier parses; zeromall's tokens are about 250 bytes.
const maxTokenLen = 1024

// ErrNoUID means the context carries no verified caller: the request is not authenticated.
var ErrNoUID = xerr.ErrUnauthorized

// The roles a token may carry (users.role). A token without one is a customer's.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
)

// Claims are what an access token says about its bearer.
type Claims struct {
	UserID    int64  `json:"uid"`
	SessionID string `json:"sid"`
	Role      string `json:"role,omitempty"`
	jwt.RegisteredClaims
}

// IsAdmin reports whether the bearer was an admin when the token was minted.
func (c *Claims) IsAdmin() bool { return c.Role == RoleAdmin }

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

// Mint signs an HS256 token for uid's session sid with uid's role, valid from now until exp.
func Mint(secret string, uid int64, sid, role string, now, exp time.Time) (Token, error) {
	if role != RoleCustomer && role != RoleAdmin {
		return Token{}, fmt.Errorf("mint token: unknown role %q", role)
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return Token{}, fmt.Errorf("token id: %w", err)
	}
	claims := Claims{
		UserID:    uid,
		SessionID: sid,
		Role:      role,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        hex.EncodeToString(jti), // two tokens minted in one second still differ
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		return Token{}, fmt.Errorf("sign token: %w", err)
	}
	return Token{
		AccessToken:  signed,
		AccessExpire: exp.Unix(),
		RefreshAfter: now.Add(exp.Sub(now) / 2).Unix(),
	}, nil
}

// Verifier checks access tokens: HS256 only (no "none", no other HMAC size, no RSA key
// confusion), signature, a required expiry with a small leeway, and a uid and sid.
type Verifier struct {
	key    []byte
	parser *jwt.Parser
	now    func() time.Time

	// verified remembers the tokens that passed, by their whole text (signature included), until
	// they expire: a client's next request with the same token costs a map lookup instead of a
	// signature check and a JSON decode (a tenth of user-api's CPU on GET /user/v1/me).
	mu       sync.RWMutex
	verified map[string]*Claims
}

// maxVerified bounds the remembered tokens; past it they are all forgotten at once.
const maxVerified = 1 << 16

// NewVerifier returns a Verifier for tokens signed with secret.
func NewVerifier(secret string) *Verifier {
	v := &Verifier{key: []byte(secret), now: time.Now, verified: make(map[string]*Claims)}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	)
	return v
}

// Verify returns the claims of a valid token, or xerr.ErrUnauthorized. The claims are the
// caller's own copy.
func (v *Verifier) Verify(token string) (*Claims, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, xerr.ErrUnauthorized
	}
	v.mu.RLock()
	known := v.verified[token]
	v.mu.RUnlock()
	if known != nil && v.now().Before(known.ExpiresAt.Add(Leeway)) {
		c := *known
		return &c, nil
	}
	claims, err := v.verify(token)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	if len(v.verified) >= maxVerified {
		clear(v.verified)
	}
	v.verified[token] = claims
	v.mu.Unlock()
	c := *claims
	return &c, nil
}

func (v *Verifier) verify(token string) (*Claims, error) {
	var claims Claims
	_, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil })
	if err != nil || claims.UserID <= 0 || claims.SessionID == "" {
		return nil, xerr.ErrUnauthorized
	}
	switch claims.Role {
	case "": // minted before roles existed (lives at most one access TTL)
		claims.Role = RoleCustomer
	case RoleCustomer, RoleAdmin:
	default:
		return nil, xerr.ErrUnauthorized
	}
	return &claims, nil
}

type callerKey struct{}

// WithCaller stores a verified caller in ctx.
func WithCaller(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// Caller returns the verified caller stored by WithCaller.
func Caller(ctx context.Context) (*Claims, error) {
	c, ok := ctx.Value(callerKey{}).(*Claims)
	if !ok || c == nil {
		return nil, ErrNoUID
	}
	return c, nil
}

// UID returns the verified caller's user id. Behind pkg/gateway the caller's session was live and its
// account active (within SESSION_CHECK_CACHE_FOR): no need to ask user-rpc again.
func UID(ctx context.Context) (int64, error) {
	c, err := Caller(ctx)
	if err != nil {
		return 0, err
	}
	return c.UserID, nil
}
