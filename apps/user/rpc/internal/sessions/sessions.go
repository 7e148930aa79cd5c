// Package sessions opens, refreshes, checks and ends login sessions. A session is a row in
// `sessions`; its access tokens (JWT, 15 min) carry its id, and its refresh token is opaque,
// single use and stored only as a hash. Presenting any refresh token the session ever issued,
// other than its current one, ends the session: one of the two holders is a thief, and neither
// can be told apart. A token the session never issued (a made-up secret beside a session id read
// from an access token) is refused and changes nothing; a tag made with a server key tells the
// two apart (tokens.go).
package sessions

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/user/model"
	"zeromall/pkg/session"
	"zeromall/pkg/store"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
)

// Why a session ended, as recorded in sessions.revoke_reason.
const (
	ReasonLogout        = "logout"
	ReasonRefreshReused = "refresh token reused"
	ReasonRoleChanged   = "role changed"
)

// Pair is what a client gets at login, registration and refresh.
type Pair struct {
	Access        session.Token
	RefreshToken  string
	RefreshExpire int64 // unix seconds: the end of the session
}

// Service works on the sessions of the user service's database and publishes their states for
// the gateways.
type Service struct {
	sessions  SessionRows
	published *session.Store
	secret    string        // signs access tokens
	tags      tagKey        // tags refresh tokens as issued by this service
	accessTTL time.Duration // life of one access token
	maxAge    time.Duration // life of a session, however often it is refreshed
	now       func() time.Time
}

// SessionRows is the storage sessions need: goctl's sessions model (apps/user/model) implements
// it, and svc builds it.
type SessionRows interface {
	Insert(ctx context.Context, data *model.Sessions) (sql.Result, error)
	FindState(ctx context.Context, id string) (*model.SessionState, error)
	FindForRefresh(ctx context.Context, id string) (*model.Sessions, error)
	Rotate(ctx context.Context, id, oldHash, newHash string) (bool, error)
	Revoke(ctx context.Context, id string, userID int64, reason string) error
	LiveIDs(ctx context.Context, userID int64) ([]string, error)
	PurgeExpiredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Lifetimes are how long an access token and a session last.
type Lifetimes struct {
	Access  time.Duration
	Session time.Duration // however often it is refreshed
}

// New builds the service on the sessions table, signing access tokens with secret and publishing
// session states to published.
func New(rows SessionRows, published *session.Store, secret string, life Lifetimes) *Service {
	return &Service{
		sessions:  rows,
		published: published,
		secret:    secret,
		tags:      newTagKey(secret),
		accessTTL: life.Access,
		maxAge:    life.Session,
		now:       time.Now,
	}
}

// Open starts a session for user uid, who just proved the password whose hash is passwordHash,
// with the role the user has once the session exists.
func (s *Service) Open(ctx context.Context, uid int64, passwordHash string) (Pair, error) {
	sid, err := randomHex(16)
	if err != nil {
		return Pair{}, err
	}
	refresh, err := s.tags.newRefreshToken(sid)
	if err != nil {
		return Pair{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	expires := now.Add(s.maxAge)
	if _, err := s.sessions.Insert(ctx, &model.Sessions{
		Id:          sid,
		UserId:      uid,
		RefreshHash: hashToken(refresh),
		PasswordFp:  model.PasswordFingerprint(passwordHash),
		ExpiresAt:   expires,
	}); err != nil {
		return Pair{}, fmt.Errorf("insert session: %w", err)
	}
	// The role is read again now that the session exists: a demotion that committed while the
	// password was being checked is seen here, and one that commits later ends this session with
	// the others (SetRole demotes, then ends every live session). Minting the role read with the
	// password instead would let such a login keep admin for a whole access token's life.
	st, err := s.check(ctx, uid, sid)
	if err != nil {
		return Pair{}, err
	}
	return s.pair(uid, st.UserRole, sid, refresh, now, expires)
}

// Refresh trades a refresh token for a new pair in the same session.
func (s *Service) Refresh(ctx context.Context, refresh string) (Pair, error) {
	tok, ok := parseRefreshToken(refresh)
	if !ok {
		return Pair{}, xerr.ErrInvalidRefreshToken
	}
	sid := tok.sessionID
	sess, err := s.sessions.FindForRefresh(ctx, sid)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return Pair{}, xerr.ErrInvalidRefreshToken
	case err != nil:
		return Pair{}, fmt.Errorf("find session: %w", err)
	}
	now := s.now().UTC().Truncate(time.Second)
	if sess.RevokedAt.Valid || !now.Before(sess.ExpiresAt) {
		return Pair{}, xerr.ErrInvalidRefreshToken
	}
	presented := hashToken(refresh)
	switch {
	case sameHash(presented, sess.RefreshHash):
	case s.tags.issued(tok):
		// An older token of this session, however many rotations ago: it was stolen or copied.
		return Pair{}, s.reused(ctx, sess)
	case sess.PrevRefreshHash != "" && sameHash(presented, sess.PrevRefreshHash):
		// An untagged token from before tags existed, rotated away last.
		return Pair{}, s.reused(ctx, sess)
	default: // never issued for this session: a guess, not a stolen token
		return Pair{}, xerr.ErrInvalidRefreshToken
	}
	st, err := s.check(ctx, sess.UserId, sid)
	if err != nil {
		return Pair{}, err
	}
	next, err := s.tags.newRefreshToken(sid)
	if err != nil {
		return Pair{}, err
	}
	rotated, err := s.sessions.Rotate(ctx, sid, presented, hashToken(next))
	if err != nil {
		return Pair{}, fmt.Errorf("rotate refresh token: %w", err)
	}
	if !rotated { // a concurrent refresh with the same token got there first
		return Pair{}, s.reused(ctx, sess)
	}
	return s.pair(sess.UserId, st.UserRole, sid, next, now, sess.ExpiresAt) // the role as it is now
}

// reused ends a session whose old refresh token came back.
func (s *Service) reused(ctx context.Context, sess *model.Sessions) error {
	if err := s.End(ctx, sess.UserId, sess.Id, ReasonRefreshReused); err != nil {
		return fmt.Errorf("after refresh token reuse: %w", err)
	}
	logx.WithContext(ctx).Infow("refresh token reused: session revoked",
		logx.Field("userId", sess.UserId), logx.Field("session", sess.Id[:8]))
	return xerr.ErrInvalidRefreshToken
}

// Check tells whether uid's session sid may still be used: it exists, belongs to uid, is neither
// revoked nor expired, and its user is active with the password the session was opened with.
// The verdict is published for the gateways.
func (s *Service) Check(ctx context.Context, uid int64, sid string) error {
	_, err := s.check(ctx, uid, sid)
	return err
}

// check is Check that also returns the session's state.
func (s *Service) check(ctx context.Context, uid int64, sid string) (*model.SessionState, error) {
	if !validSessionID(sid) || uid <= 0 {
		return nil, xerr.ErrSessionEnded
	}
	st, err := s.sessions.FindState(ctx, sid)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, xerr.ErrSessionEnded
	case err != nil:
		return nil, fmt.Errorf("find session state: %w", err)
	}
	verdict := session.State{UserID: st.UserId}
	switch {
	case st.Revoked, !s.now().Before(st.ExpiresAt), !st.SamePassword:
		verdict.Refusal = xerr.ErrSessionEnded.Code
	case st.UserStatus != model.UserActive:
		verdict.Refusal = xerr.ErrAccountDisabled.Code
	}
	s.publish(ctx, sid, verdict)
	return st, verdict.Err(uid)
}

// End revokes uid's session sid at once, for every gateway; ending an ended session is not an
// error.
func (s *Service) End(ctx context.Context, uid int64, sid, reason string) error {
	if !validSessionID(sid) || uid <= 0 {
		return xerr.ErrSessionEnded
	}
	if err := s.sessions.Revoke(ctx, sid, uid, reason); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	// The gateways must not go on trusting a published live state, even if the caller has gone
	// since the revoke. If Redis cannot take the tombstone, the session is still ended in MySQL
	// but the caller must hear of the failure.
	ctx, cancel := store.AfterCommit(ctx)
	defer cancel()
	return s.published.End(ctx, sid, uid)
}

// EndAll revokes every live session of uid, for every gateway (a demoted admin's tokens must
// not keep their role until they expire).
func (s *Service) EndAll(ctx context.Context, uid int64, reason string) (int, error) {
	ids, err := s.sessions.LiveIDs(ctx, uid)
	if err != nil {
		return 0, err
	}
	for i, sid := range ids {
		if err := s.End(ctx, uid, sid, reason); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// PurgeExpiredBefore deletes up to batch sessions that ended (expired) before cutoff (a
// retention.Purge). A revoked session is kept until it would have expired: its row is what
// answers a late refresh with its token.
func (s *Service) PurgeExpiredBefore(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	return s.sessions.PurgeExpiredBefore(ctx, cutoff, batch)
}

// publish shares a session's state with the gateways; without it they ask user-rpc.
func (s *Service) publish(ctx context.Context, sid string, st session.State) {
	if err := s.published.Publish(ctx, sid, st); err != nil {
		logx.WithContext(ctx).Errorf("session state not published: %v", err)
	}
}

func (s *Service) pair(uid int64, role, sid, refresh string, now, sessionEnd time.Time) (Pair, error) {
	exp := now.Add(s.accessTTL)
	if exp.After(sessionEnd) {
		exp = sessionEnd
	}
	access, err := session.Mint(s.secret, uid, sid, role, now, exp)
	if err != nil {
		return Pair{}, fmt.Errorf("mint access token for %d: %w", uid, err)
	}
	return Pair{Access: access, RefreshToken: refresh, RefreshExpire: sessionEnd.Unix()}, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
