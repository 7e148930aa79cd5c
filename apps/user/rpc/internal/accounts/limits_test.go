package accounts

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
	"zeromall/apps/user/model"

	"zeromall/apps/user/model/migrations"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/pkg/session"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"golang.org/x/crypto/bcrypt"
)

// newLimitedAccounts builds the service on a migrated database and a private Redis, with quota
// registrations and login attempts per client in an hour.
func newLimitedAccounts(t *testing.T, quota int) *Service {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "user", migrations.Files)
	db, r := store.NewConn(dsn), testkit.StartRedis(t)
	rds := redis.MustNewRedis(r.Conf())
	sess := sessions.New(model.NewSessionsModel(db, r.CacheConf()), session.NewStore(rds, time.Second, time.Minute),
		testkit.TestJWTSecret, sessions.Lifetimes{Access: 15 * time.Minute, Session: time.Hour})
	limits := limiter.NewStore(rds)
	login := LoginLimits{
		PerClient:    limits.Window("test:login:ip:", quota, time.Hour),
		PerPair:      limits.Window("test:login:pair:", 1000, time.Hour),
		PerAccount:   limits.Window("test:login:account:", 1000, time.Hour),
		SlowDown:     limits.Window("test:login:slow:", 1, time.Second),
		KnownClients: limits.Window("test:login:known:", 1, time.Hour),
	}
	return New(model.NewUsersModel(db, r.CacheConf()), r.Journal(db), sess, bcrypt.MinCost, login,
		limits.Window("test:register:ip:", quota, time.Hour))
}

// A client that owns an IPv6 /64 must not get a fresh quota per address: every address of the
// /64 counts as one client, for registrations and for logins; the next /64 and IPv4 are others.
func TestLimits_AnIPv6Slash64IsOneClient(t *testing.T) {
	const quota = 3
	s := newLimitedAccounts(t, quota)
	ctx := context.Background()
	register := func(i int, ip string) error {
		_, _, err := s.Register(ctx, fmt.Sprintf("u%d@example.com", i), "a long enough password", Profile{Nickname: "U"}, ip)
		return err
	}
	for i := range quota {
		if err := register(i, fmt.Sprintf("2001:db8:0:1::%x", i+1)); err != nil {
			t.Fatalf("registration %d: %v", i, err)
		}
	}
	if err := register(quota, "2001:db8:0:1:ffff:ffff:ffff:ffff"); !errors.Is(err, xerr.ErrRegisterThrottled) {
		t.Fatalf("a registration from another address of the same /64: %v, want ErrRegisterThrottled", err)
	}
	if err := register(quota+1, "2001:db8:0:2::1"); err != nil {
		t.Fatalf("a registration from the next /64: %v", err)
	}
	if err := register(quota+2, "198.51.100.1"); err != nil {
		t.Fatalf("a registration from IPv4: %v", err)
	}

	for i := range quota {
		_, err := s.Login(ctx, "u0@example.com", "a wrong password", fmt.Sprintf("2001:db8:0:9::%x", 100+i))
		if !errors.Is(err, xerr.ErrInvalidCredentials) {
			t.Fatalf("login %d: %v, want ErrInvalidCredentials", i, err)
		}
	}
	if _, err := s.Login(ctx, "u0@example.com", "a long enough password", "2001:db8:0:9::abcd"); !errors.Is(err, xerr.ErrLoginThrottled) {
		t.Fatalf("a login from another address of the same /64: %v, want ErrLoginThrottled", err)
	}
	if _, err := s.Login(ctx, "u0@example.com", "a long enough password", "2001:db8:0:a::1"); err != nil {
		t.Fatalf("a login from the next /64: %v", err)
	}
}
