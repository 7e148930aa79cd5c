package logic

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"zeromall/apps/user/model"
	"zeromall/apps/user/model/migrations"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/confx"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
)

type fixture struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	dsn    string
	redis  *testkit.Redis
}

// newFixture builds user-rpc's service context from its real YAML (env overrides pointing at a
// fresh database and a private Redis), with the schema migrated.
func newFixture(t *testing.T, env map[string]string) *fixture {
	t.Helper()
	r := testkit.StartRedis(t)
	dsn := testkit.NewDatabaseDSN(t, "user")
	vars := map[string]string{
		"USER_DB_DSN": dsn,
		"REDIS_ADDR":  r.Addr,
		"JWT_SECRET":  testkit.TestJWTSecret,
		"BCRYPT_COST": "4",
	}
	for k, v := range env {
		vars[k] = v
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
	t.Setenv("ZEROMALL_ENV", "development") // the local root DSN and dev secrets
	var c config.Config
	if err := confx.Load(testkit.RepoRoot(t)+"/apps/user/rpc/etc/user-rpc.yaml", &c); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(context.Background(), dsn, migrations.Files); err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: context.Background(), svcCtx: svc.NewServiceContext(c, store.NewConn(dsn)), dsn: dsn, redis: r}
}

func (f *fixture) register(t *testing.T, email string) int64 {
	t.Helper()
	resp, err := NewRegisterLogic(f.ctx, f.svcCtx).Register(&user.RegisterReq{Email: email, Password: "password1", Nickname: "Nick"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return resp.Id
}

func (f *fixture) login(email, ip string) error {
	_, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: email, Password: "password1", ClientIp: ip})
	return err
}

func TestLogin_LimitsAttemptsPerClientIP(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_IP": "3", "LOGIN_LIMIT_ACCOUNT": "100"})
	emails := []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
	for _, e := range emails {
		f.register(t, e)
	}
	for _, e := range emails[:3] {
		if err := f.login(e, "198.51.100.7"); err != nil {
			t.Fatalf("login %s: %v", e, err)
		}
	}
	if err := f.login(emails[3], "198.51.100.7"); !errors.Is(err, xerr.ErrLoginThrottled) {
		t.Fatalf("4th attempt from one IP: %v, want throttled", err)
	}
	if err := f.login(emails[3], "203.0.113.9"); err != nil {
		t.Fatalf("another IP was throttled: %v", err)
	}
}

func TestLogin_DisabledAccountIsForbiddenOnlyWithTheRightPassword(t *testing.T) {
	f := newFixture(t, nil)
	id := f.register(t, "off@example.com")
	db, _ := sql.Open("mysql", f.dsn)
	defer db.Close()
	if _, err := db.Exec("UPDATE users SET status = 2 WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	// Login reads the account from MySQL, so the change made behind the cache is seen.
	_, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: "off@example.com", Password: "wrong-password"})
	if !errors.Is(err, xerr.ErrInvalidCredentials) {
		t.Fatalf("wrong password on a disabled account: %v", err)
	}
	if err := f.login("off@example.com", ""); !errors.Is(err, xerr.ErrAccountDisabled) {
		t.Fatalf("disabled account: %v", err)
	}
}

func TestGetUser_ServedFromCacheWithDeliberateExpiry(t *testing.T) {
	f := newFixture(t, map[string]string{})
	id := f.register(t, "cache@example.com")
	get := func() *user.UserInfo {
		u, err := NewGetUserLogic(f.ctx, f.svcCtx).GetUser(&user.GetUserReq{Id: id})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	get()

	// A write behind the model's back is invisible: the read was served from Redis.
	db, _ := sql.Open("mysql", f.dsn)
	defer db.Close()
	if _, err := db.Exec("UPDATE users SET nickname = 'Sneaky' WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	if got := get().Nickname; got != "Nick" {
		t.Fatalf("read after a direct DB write returned %q: not cached", got)
	}

	// The key expires on purpose (CacheExpiry: 1h), not after go-zero's 7-day default.
	rds := redis.MustNewRedis(redis.RedisConf{Host: f.redis.Addr, Type: redis.NodeType, DisableIdentity: true})
	ttl, err := rds.Ttl("cache:user:users:id:" + strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || time.Duration(ttl)*time.Second > time.Hour+time.Hour/10 {
		t.Fatalf("cache ttl %ds, want about 1h", ttl)
	}

	// A write through the model invalidates: the next read sees it.
	if _, err := NewUpdateProfileLogic(f.ctx, f.svcCtx).UpdateProfile(&user.UpdateProfileReq{Id: id, Nickname: "Fresh"}); err != nil {
		t.Fatal(err)
	}
	if got := get().Nickname; got != "Fresh" {
		t.Fatalf("read after update returned %q", got)
	}
}

func TestGetUser_UnknownIsNotFound(t *testing.T) {
	f := newFixture(t, nil)
	for _, id := range []int64{12345, 0, -1} {
		_, err := NewGetUserLogic(f.ctx, f.svcCtx).GetUser(&user.GetUserReq{Id: id})
		if id > 0 && !errors.Is(err, xerr.ErrUserNotFound) || id <= 0 && !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("GetUser(%d): %v", id, err)
		}
	}
}

func TestRegister_ConcurrentSameEmailCreatesOneAccount(t *testing.T) {
	f := newFixture(t, nil)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := NewRegisterLogic(f.ctx, f.svcCtx).Register(&user.RegisterReq{Email: "race@example.com", Password: "password1", Nickname: "R"})
			errs <- err
		}()
	}
	var ok, taken int
	for range 8 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, xerr.ErrEmailTaken):
			taken++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || taken != 7 {
		t.Fatalf("%d created, %d taken; want 1 and 7", ok, taken)
	}
}

func TestLogin_OnlyFailuresCountAgainstTheAccount(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3", "LOGIN_LIMIT_IP": "1000"})
	f.register(t, "owner@example.com")
	for i := 0; i < 10; i++ {
		if err := f.login("owner@example.com", ""); err != nil {
			t.Fatalf("successful login %d: %v", i+1, err)
		}
	}
	wrong := func() error {
		_, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: "owner@example.com", Password: "not-the-password"})
		return err
	}
	for i := 0; i < 2; i++ {
		if err := wrong(); !errors.Is(err, xerr.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	// A success clears the failures, so the owner's next mistakes start from zero.
	if err := f.login("owner@example.com", ""); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := wrong(); !errors.Is(err, xerr.ErrInvalidCredentials) {
			t.Fatalf("failure %d after a success: %v", i+1, err)
		}
	}
	err := f.login("owner@example.com", "")
	var ce *xerr.CodeError
	if !errors.As(err, &ce) || ce.Code != xerr.ErrLoginThrottled.Code || ce.RetryAfter <= 0 || ce.RetryAfter > 15*time.Minute {
		t.Fatalf("after 3 failures: %v (retry after %v), want throttled with a wait", err, ce)
	}
}

func TestRefresh_RotatesOnceAndReuseEndsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	f.register(t, "rotate@example.com")
	login, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: "rotate@example.com", Password: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	refresh := func(tok string) (*user.TokenResp, error) {
		return NewRefreshTokenLogic(f.ctx, f.svcCtx).RefreshToken(&user.RefreshTokenReq{RefreshToken: tok})
	}
	next, err := refresh(login.Token.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if next.Token.RefreshToken == login.Token.RefreshToken || next.Token.RefreshExpire != login.Token.RefreshExpire {
		t.Fatalf("refresh did not rotate within the session: %+v", next.Token)
	}
	if _, err := refresh(login.Token.RefreshToken); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("reused refresh token: %v", err)
	}
	if _, err := refresh(next.Token.RefreshToken); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
		t.Fatalf("the newer refresh token survived the reuse: %v", err)
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 32) + "." + strings.Repeat("b", 43), login.Token.AccessToken} {
		if _, err := refresh(bad); !errors.Is(err, xerr.ErrInvalidRefreshToken) {
			t.Errorf("refresh(%.20q): %v", bad, err)
		}
	}
}

func TestLogin_ConcurrentGuessesNeverExceedTheAccountQuota(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3", "LOGIN_LIMIT_IP": "1000"})
	f.register(t, "target@example.com")
	results := make(chan error, 20)
	for range 20 {
		go func() {
			_, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: "target@example.com", Password: "guess-guess"})
			results <- err
		}()
	}
	guessed := 0
	for range 20 {
		if err := <-results; errors.Is(err, xerr.ErrInvalidCredentials) {
			guessed++
		} else if !errors.Is(err, xerr.ErrLoginThrottled) {
			t.Fatalf("unexpected: %v", err)
		}
	}
	if guessed != 3 {
		t.Fatalf("%d of 20 concurrent guesses were checked, want the quota of 3", guessed)
	}
}

func (f *fixture) guess(email, ip string) error {
	_, err := NewLoginLogic(f.ctx, f.svcCtx).Login(&user.LoginReq{Email: email, Password: "a-wrong-guess", ClientIp: ip})
	return err
}

// An attacker hammering an account from many addresses cannot lock its owner out of the address
// the owner logs in from, and all the addresses together get only a bounded number of guesses.
func TestLogin_AttackerElsewhereCannotLockTheOwnerOut(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3", "LOGIN_SLOW_AFTER": "5", "LOGIN_SLOW_INTERVAL": "1m"})
	f.register(t, "victim@example.com")
	const home = "192.0.2.10"
	if err := f.login("victim@example.com", home); err != nil {
		t.Fatal(err)
	}
	checked, throttled := 0, 0
	for i := range 20 {
		ip := "198.51.100." + strconv.Itoa(i+1)
		for range 4 {
			switch err := f.guess("victim@example.com", ip); {
			case errors.Is(err, xerr.ErrInvalidCredentials):
				checked++
			case errors.Is(err, xerr.ErrLoginThrottled):
				throttled++
			default:
				t.Fatalf("guess from %s: %v", ip, err)
			}
		}
	}
	// 5 failures reach the slow-down, then one attempt per minute for all new addresses together.
	if checked != 6 || throttled != 74 {
		t.Errorf("80 guesses from 20 addresses: %d checked, %d throttled; want 6 and 74", checked, throttled)
	}
	for i := range 3 {
		if err := f.login("victim@example.com", home); err != nil {
			t.Fatalf("the owner's login %d from home during the attack: %v", i+1, err)
		}
	}
	var ce *xerr.CodeError
	if err := f.login("victim@example.com", "203.0.113.50"); !errors.As(err, &ce) || ce.RetryAfter <= 0 || !strings.Contains(ce.Msg, "new addresses are slowed down") {
		t.Errorf("a new address during the attack: %v, want the slow-down", err)
	}
}

// Lookalike spellings of an address are refused rather than counted apart while MySQL's
// collation matched them to the same row.
func TestLogin_LookalikeEmailsAreRefused(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3"})
	f.register(t, "alice@example.com")
	for range 3 {
		if err := f.guess("alice@example.com", "198.51.100.1"); !errors.Is(err, xerr.ErrInvalidCredentials) {
			t.Fatal(err)
		}
	}
	for _, lookalike := range []string{"àlice@example.com", "álice@example.com", "a\u0300lice@example.com", "ALICE@example.com"} {
		err := f.guess(lookalike, "198.51.100.1")
		var ce *xerr.CodeError
		if !errors.As(err, &ce) || (ce.Code != xerr.ErrLoginThrottled.Code && !strings.HasPrefix(ce.Msg, "email:")) {
			t.Errorf("guess as %q after the account's quota: %v, want throttled or a 400 about email", lookalike, err)
		}
	}
}

// A row stored before emails became ASCII-only is no longer matched by its ASCII lookalike: the
// column compares bytes (migration 0005).
func TestEmailColumnComparesBytes(t *testing.T) {
	f := newFixture(t, nil)
	db, _ := sql.Open("mysql", f.dsn)
	defer db.Close()
	if _, err := db.Exec("INSERT INTO users (email, password_hash, nickname) VALUES ('àlice@example.com', 'x', 'legacy')"); err != nil {
		t.Fatal(err)
	}
	id := f.register(t, "alice@example.com")
	u, err := model.NewUsersModel(store.NewConn(f.dsn), f.svcCtx.Config.Cache).FindOneByEmailNoCache(f.ctx, "alice@example.com")
	if err != nil || u.Id != id {
		t.Fatalf("alice@ found %+v (%v), want her own row %d", u, err, id)
	}
}

// With Redis down, guesses are still limited, by this instance's own counts.
func TestLogin_RedisDownStillLimitsGuesses(t *testing.T) {
	f := newFixture(t, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3"})
	f.register(t, "down@example.com")
	f.redis.Stop()
	for i := range 3 {
		if err := f.guess("down@example.com", "198.51.100.1"); !errors.Is(err, xerr.ErrInvalidCredentials) {
			t.Fatalf("guess %d with Redis down: %v", i+1, err)
		}
	}
	if err := f.guess("down@example.com", "198.51.100.1"); !errors.Is(err, xerr.ErrLoginThrottled) {
		t.Fatalf("4th guess with Redis down: %v, want throttled", err)
	}
	if err := f.login("down@example.com", "192.0.2.10"); err != nil {
		t.Fatalf("the owner from another address with Redis down: %v", err)
	}
}
