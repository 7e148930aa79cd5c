package sessions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zeromall/apps/user/model"
	"zeromall/apps/user/model/migrations"
	"zeromall/pkg/session"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// newSessions builds the service on a migrated database and a private Redis, with one customer.
func newSessions(t *testing.T) (*Service, sqlx.SqlConn, *model.Users) {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "user", migrations.Files)
	db, r := store.NewConn(dsn), testkit.StartRedis(t)
	u := &model.Users{Email: "s@example.com", PasswordHash: "hash", Nickname: "S", Status: model.UserActive, Role: model.RoleCustomer}
	res, err := db.ExecCtx(context.Background(), "insert into users (email, password_hash, nickname, status, role) values (?, ?, ?, ?, ?)",
		u.Email, u.PasswordHash, u.Nickname, u.Status, u.Role)
	if err != nil {
		t.Fatal(err)
	}
	u.Id, _ = res.LastInsertId()
	s := New(model.NewSessionsModel(db, r.CacheConf()), session.NewStore(redis.MustNewRedis(r.Conf()), time.Second, time.Minute),
		testkit.TestJWTSecret, Lifetimes{Access: 15 * time.Minute, Session: time.Hour})
	return s, db, u
}

// openChain opens a session and refreshes it n times; it returns every refresh token the session
// issued, oldest first (the last is the current one).
func openChain(t *testing.T, s *Service, u *model.Users, n int) (sid string, tokens []string) {
	t.Helper()
	ctx := context.Background()
	p, err := s.Open(ctx, u.Id, u.PasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	tokens = []string{p.RefreshToken}
	for i := 0; i < n; i++ {
		if p, err = s.Refresh(ctx, p.RefreshToken); err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
		tokens = append(tokens, p.RefreshToken)
	}
	sid, _, _ = strings.Cut(p.RefreshToken, ".")
	return sid, tokens
}

// A thief who refreshed twice or more must not outlive the owner presenting an older token:
// every token the session issued, whatever its place in the chain, ends the session.
func TestRefresh_AnyTokenTheSessionIssuedEndsItWhenPresentedAgain(t *testing.T) {
	s, _, u := newSessions(t)
	ctx := context.Background()
	const rotations = 5
	for pos := 0; pos < rotations; pos++ {
		sid, tokens := openChain(t, s, u, rotations)
		if _, err := s.Refresh(ctx, tokens[pos]); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
			t.Fatalf("token %d of %d presented again: %v, want ErrInvalidRefreshToken", pos, rotations, err)
		}
		if _, err := s.Refresh(ctx, tokens[rotations]); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
			t.Fatalf("token %d reused: the current token still refreshes (%v)", pos, err)
		}
		if err := s.Check(ctx, u.Id, sid); !errors.Is(err, xerr.ErrSessionEnded) {
			t.Fatalf("token %d reused: the session lives on (%v)", pos, err)
		}
	}
}

// Anyone can read a session id from an access token; a token the session never issued must not
// end it, whatever it looks like.
func TestRefresh_ATokenNeverIssuedEndsNothing(t *testing.T) {
	s, _, u := newSessions(t)
	ctx := context.Background()
	sid, tokens := openChain(t, s, u, 2)
	current := tokens[len(tokens)-1]
	_, rest, _ := strings.Cut(current, ".")
	secret, tag, _ := strings.Cut(rest, ".")
	otherKey := newTagKey("another service's secret, 32 bytes or more")
	madeUp, _ := otherKey.newRefreshToken(sid)
	_, madeUpRest, _ := strings.Cut(madeUp, ".")
	madeUpSecret, _, _ := strings.Cut(madeUpRest, ".")
	for name, forged := range map[string]string{
		"a made-up secret, untagged":               sid + "." + madeUpSecret,
		"a made-up secret tagged with another key": madeUp,
		"a made-up secret with the current tag":    sid + "." + madeUpSecret + "." + tag,
		"the current secret with another tag":      sid + "." + secret + "." + otherKey.tag(sid, secret),
	} {
		if _, err := s.Refresh(ctx, forged); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
			t.Fatalf("%s: %v, want ErrInvalidRefreshToken", name, err)
		}
		if err := s.Check(ctx, u.Id, sid); err != nil {
			t.Fatalf("%s ended the session: %v", name, err)
		}
	}
	if _, err := s.Refresh(ctx, current); err != nil {
		t.Fatalf("the current token after the guesses: %v", err)
	}
}

// Two refreshes racing with the current token: one gets a pair, the other ends the session
// (neither can be told from a thief), which takes the winner's new pair with it.
func TestRefresh_ConcurrentRefreshesWithOneTokenWinOnce(t *testing.T) {
	s, _, u := newSessions(t)
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		sid, tokens := openChain(t, s, u, 1)
		current := tokens[1]
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				_, err := s.Refresh(ctx, current)
				errs <- err
			}()
		}
		wins := 0
		for i := 0; i < 2; i++ {
			err := <-errs
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, xerr.ErrInvalidRefreshToken):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d refreshes won with one token, want exactly 1", round, wins)
		}
		if err := s.Check(ctx, u.Id, sid); !errors.Is(err, xerr.ErrSessionEnded) {
			t.Fatalf("round %d: the session lives on after a reuse (%v)", round, err)
		}
	}
}

// A token issued before tags existed ("<session id>.<secret>") still refreshes while current,
// and still ends the session when it comes back after its rotation.
func TestRefresh_AnUntaggedTokenFromBeforeTags(t *testing.T) {
	s, db, u := newSessions(t)
	ctx := context.Background()
	sid, tokens := openChain(t, s, u, 0)
	_, rest, _ := strings.Cut(tokens[0], ".")
	secret, _, _ := strings.Cut(rest, ".")
	legacy := sid + "." + secret
	if _, err := db.ExecCtx(ctx, "update sessions set refresh_hash = ? where id = ?", hashToken(legacy), sid); err != nil {
		t.Fatal(err)
	}
	next, err := s.Refresh(ctx, legacy)
	if err != nil {
		t.Fatalf("a current untagged token: %v", err)
	}
	if _, err := s.Refresh(ctx, legacy); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("the untagged token again: %v", err)
	}
	if _, err := s.Refresh(ctx, next.RefreshToken); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("the session outlived the reuse of its untagged token: %v", err)
	}
}

// A login that checked the password of an admin who is demoted before the session exists gets a
// customer's token: the role is read after the session is stored.
func TestOpen_MintsTheRoleTheUserHasOnceTheSessionExists(t *testing.T) {
	s, _, u := newSessions(t)
	// The role read with the password (admin) is not Open's to take: it reads the role again.
	pair, err := s.Open(context.Background(), u.Id, u.PasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := session.NewVerifier(testkit.TestJWTSecret).Verify(pair.Access.AccessToken)
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
	live, err := s.Open(ctx, u.Id, u.PasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.Open(ctx, u.Id, u.PasswordHash)
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
	pair, err := s.Open(ctx, u.Id, u.PasswordHash)
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
