// issue.go is user-rpc's side of a session: it mints the access tokens and publishes each
// session's state for the gateways (check.go).
//
// Freshness: a live state is published for TTL (a change made behind user-rpc's back, such as a
// user disabled in SQL, is seen within TTL); an ended session is overwritten at once with a
// tombstone that outlives every access token of the session, and a live state is only ever
// written where nothing is (SET NX), so a check racing a logout cannot resurrect it.

package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"zeromall/pkg/xerr"

	"github.com/golang-jwt/jwt/v5"
	"github.com/zeromicro/go-zero/core/stores/redis"
)

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

// NewStore returns a Store. ttl bounds how stale a published state may be; tombstoneTTL must cover
// the life of an access token (plus its leeway).
func NewStore(rds *redis.Redis, ttl, tombstoneTTL time.Duration) *Store {
	return &Store{rds: rds, ttl: seconds(ttl), tombstoneTTL: seconds(tombstoneTTL)}
}

func seconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// Publish records a session's state unless one is already there (a tombstone in particular).
// While Redis is failing it does nothing: the gateways are asking user-rpc anyway.
func (s *Store) Publish(ctx context.Context, sid string, st State) error {
	if s.bypassed() {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	if _, err := s.rds.SetnxExCtx(cctx, keyPrefix+sid, encode(st), s.ttl); err != nil {
		s.failed(ctx)
		return fmt.Errorf("publish session state: %w", err)
	}
	return nil
}

// End overwrites a session's state with a tombstone: its tokens are refused from now on. It is
// always attempted, and its failure reported: a live state left behind would be trusted for up
// to TTL once Redis answers again.
func (s *Store) End(ctx context.Context, sid string, userID int64) error {
	st := State{UserID: userID, Refusal: xerr.ErrSessionEnded.Code}
	cctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	if err := s.rds.SetexCtx(cctx, keyPrefix+sid, encode(st), s.tombstoneTTL); err != nil {
		s.failed(ctx)
		return fmt.Errorf("publish session end: %w", err)
	}
	return nil
}

func encode(st State) string {
	return strconv.FormatInt(st.UserID, 10) + ":" + strconv.Itoa(st.Refusal)
}
