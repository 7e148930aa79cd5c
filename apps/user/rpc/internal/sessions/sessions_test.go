package sessions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zeromall/apps/user/model"
	migrations "zeromall/deploy/sql"
	"zeromall/pkg/jwtx"
	"zeromall/pkg/sessioncache"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// newSessions builds the service on a migrated database and a private Redis, with one customer.
func newSessions(t *testing.T) (*Service, sqlx.SqlConn, *model.Users) {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "user", migrations.For("user"))
	db, r := store.NewConn(dsn), testkit.StartRedis(t)
	u := &model.Users{Email: "s@example.com", PasswordHash: "hash", Nickname: "S", Status: model.UserActive, Role: model.RoleCustomer}
	res, err := db.ExecCtx(context.Background(), "insert into users (email, password_hash, nickname, status, role) values (?, ?, ?, ?, ?)",
		u.Email, u.PasswordHash, u.Nickname, u.Status, u.Role)
	if err != nil {
		t.Fatal(err)
	}
	u.Id, _ = res.LastInsertId()
	s := New(db, r.CacheConf(), sessioncache.New(redis.MustNewRedis(r.Conf()), time.Second, time.Minute),
		testkit.TestJWTSecret, Lifetimes{Access: 15 * time.Minute, Session: time.Hour})
	return s, db, u
}

// Anyone can read a session id from an access token; a made-up secret with it must not end the
// session. Only the token rotated away last counts as reused.
func TestRefresh_OnlyTheRotatedAwayTokenCountsAsReuse(t *testing.T) {
	s, _, u := newSessions(t)
	ctx := context.Background()
	first, err := s.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	sid, _, _ := strings.Cut(second.RefreshToken, ".")
	forged, _ := newRefreshToken(sid)
	if _, err := s.Refresh(ctx, forged); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("a secret never issued: %v", err)
	}
	third, err := s.Refresh(ctx, second.RefreshToken)
	if err != nil {
		t.Fatalf("the session ended on a secret never issued for it: %v", err)
	}
	if _, err := s.Refresh(ctx, second.RefreshToken); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("the previous token again: %v", err)
	}
	if _, err := s.Refresh(ctx, third.RefreshToken); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("the newest token survived the reuse of the previous one: %v", err)
	}
}

// A login that checked the password of an admin who is demoted before the session exists gets a
// customer's token: the role is read after the session is stored.
func TestOpen_MintsTheRoleTheUserHasOnceTheSessionExists(t *testing.T) {
	s, _, u := newSessions(t)
	readBeforeTheDemotion := *u
	readBeforeTheDemotion.Role = model.RoleAdmin
	pair, err := s.Open(context.Background(), &readBeforeTheDemotion)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := jwtx.NewVerifier(testkit.TestJWTSecret).Verify(pair.Access.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims.IsAdmin() {
		t.Fatalf("token role %q, want the customer the user is now", claims.Role)
	}
}

// Sessions that expired before the cutoff are deleted; live ones, and revoked ones that would not
// have expired yet, stay.
func TestPurgeExpiredBefore(t *testing.T) {
	s, db, u := newSessions(t)
	ctx := context.Background()
	live, err := s.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	oldID, _, _ := strings.Cut(old.RefreshToken, ".")
	if _, err := db.ExecCtx(ctx, "update sessions set expires_at = utc_timestamp() - interval 40 day where id = ?", oldID); err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgeExpiredBefore(ctx, time.Now().Add(-30*24*time.Hour), 100)
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want the one expired 40 days ago", n, err)
	}
	if _, err := s.Refresh(ctx, live.RefreshToken); err != nil {
		t.Fatalf("the live session was touched: %v", err)
	}
}

// Check follows the session's row and its user's: live, then refused once the user is disabled,
// then ended for good once revoked.
func TestCheck_FollowsTheSessionAndItsUser(t *testing.T) {
	s, db, u := newSessions(t)
	ctx := context.Background()
	pair, err := s.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	sid, _, _ := strings.Cut(pair.RefreshToken, ".")
	if err := s.Check(ctx, u.Id, sid); err != nil {
		t.Fatalf("a live session: %v", err)
	}
	if err := s.Check(ctx, u.Id+1, sid); !errors.Is(err, xerr.ErrSessionEnded) {
		t.Fatalf("another user's session: %v, want ErrSessionEnded", err)
	}
	if _, err := db.ExecCtx(ctx, "update users set status = ? where id = ?", model.UserDisabled, u.Id); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, u.Id, sid); !errors.Is(err, xerr.ErrAccountDisabled) {
		t.Fatalf("a disabled user's session: %v, want ErrAccountDisabled", err)
	}
	if err := s.End(ctx, u.Id, sid, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, u.Id, sid); !errors.Is(err, xerr.ErrSessionEnded) {
		t.Fatalf("an ended session: %v, want ErrSessionEnded", err)
	}
}
