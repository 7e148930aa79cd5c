package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/session"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const (
	authSecret = "auth-test-secret-0123456789abcdef"
	authSID    = "0123456789abcdef0123456789abcdef"
)

// authCase is one request through the Auth middleware: what it carries, what the session check
// says, and what must come back.
type authCase struct {
	name     string
	header   string
	session  error // the session check's answer
	status   int
	code     int
	asked    bool // the session check ran
	admitted bool // the route ran, with the caller in its context
}

func TestAuth_RefusesEveryBadTokenAndEndedSessionBeforeTheRoute(t *testing.T) {
	httpresult.Setup()
	now := time.Now()
	valid := mint(t, authSecret, now, now.Add(time.Hour))
	for _, tc := range []authCase{
		{name: "no header", status: 401, code: 1401},
		{name: "not bearer", header: "Basic " + valid, status: 401, code: 1401},
		{name: "garbage", header: "Bearer not.a.token", status: 401, code: 1401},
		{name: "another secret", header: "Bearer " + mint(t, "another-secret-0123456789abcdef!!", now, now.Add(time.Hour)), status: 401, code: 1401},
		{name: "expired", header: "Bearer " + mint(t, authSecret, now.Add(-2*time.Hour), now.Add(-time.Hour)), status: 401, code: 1401},
		{name: "ended session", header: "Bearer " + valid, session: xerr.ErrSessionEnded, status: 401, code: 2006, asked: true},
		{name: "disabled account", header: "Bearer " + valid, session: xerr.ErrAccountDisabled, status: 403, code: 2005, asked: true},
		{name: "user-rpc down", header: "Bearer " + valid, session: status.Error(codes.Unavailable, "no instance"), status: 503, code: 1503, asked: true},
		{name: "live session", header: "Bearer " + valid, status: 200, asked: true, admitted: true},
		{name: "scheme in any case", header: "bEaReR " + valid, status: 200, asked: true, admitted: true},
	} {
		t.Run(tc.name, func(t *testing.T) { runAuth(t, tc) })
	}
}

func runAuth(t *testing.T, tc authCase) {
	var asked, admitted bool
	check := func(_ context.Context, uid int64, sid string) error {
		asked = true
		if uid != 42 || sid != authSID {
			t.Errorf("session check asked about uid %d sid %q", uid, sid)
		}
		return tc.session
	}
	route := func(w http.ResponseWriter, r *http.Request) {
		admitted = true
		c, err := session.Caller(r.Context())
		if err != nil || c.UserID != 42 || c.SessionID != authSID {
			t.Errorf("caller in the route's context: %+v, %v", c, err)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/user/v1/me", nil)
	if tc.header != "" {
		req.Header.Set("Authorization", tc.header)
	}
	rec := httptest.NewRecorder()
	NewAuth(authSecret, check)(route)(rec, req)

	if rec.Code != tc.status || asked != tc.asked || admitted != tc.admitted {
		t.Fatalf("status %d asked %v admitted %v, want %d %v %v (body %s)",
			rec.Code, asked, admitted, tc.status, tc.asked, tc.admitted, rec.Body)
	}
	if tc.code != 0 {
		var body httpresult.Body
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Code != tc.code || body.Msg == "" {
			t.Errorf("body %s, want code %d and a message", rec.Body, tc.code)
		}
	}
}

// A published state answers without asking user-rpc; only an unpublished session is asked about.
func TestCachedSessions_AnswersFromPublishedStatesAndAsksOnlyOnAMiss(t *testing.T) {
	rds := redis.MustNewRedis(testkit.StartRedis(t).Conf())
	published := session.NewStore(rds, time.Minute, time.Hour)
	ctx := context.Background()
	asks := 0
	errAsked := errors.New("asked user-rpc")
	check := CachedSessions(session.NewReader(rds), func(context.Context, int64, string) error {
		asks++
		return errAsked
	})

	if err := check(ctx, 42, authSID); !errors.Is(err, errAsked) || asks != 1 {
		t.Fatalf("unpublished session: %v after %d asks, want user-rpc's answer", err, asks)
	}
	if err := published.Publish(ctx, authSID, session.State{UserID: 42}); err != nil {
		t.Fatal(err)
	}
	if err := check(ctx, 42, authSID); err != nil || asks != 1 {
		t.Fatalf("live published session: %v after %d asks", err, asks)
	}
	if err := check(ctx, 7, authSID); err == nil {
		t.Fatal("another user's token passes with this session")
	}
	if err := published.End(ctx, authSID, 42); err != nil {
		t.Fatal(err)
	}
	if err := check(ctx, 42, authSID); !errors.Is(err, xerr.ErrSessionEnded) || asks != 1 {
		t.Fatalf("ended session: %v after %d asks, want %v without asking", err, asks, xerr.ErrSessionEnded)
	}
}

func mint(t *testing.T, secret string, iat, exp time.Time) string {
	t.Helper()
	tok, err := session.Mint(secret, 42, authSID, session.RoleCustomer, iat, exp)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}
