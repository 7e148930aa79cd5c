package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"golang.org/x/crypto/bcrypt"
)

// The attack table of doc/security.md: each row is a hostile client or a stolen credential, and
// the control that holds it. Token forgeries (alg none, other algorithms, other secrets, expired,
// tampered) are rows of TestUserGateway/ProtectedEndpointsRejectBadTokens.

// sessionCheckCacheFor is how long user-rpc caches a session's state in these tests: the bound
// on noticing an edit made in SQL.
const sessionCheckCacheFor = time.Second

// TestSessions drives sessions across all three gateways: a refresh token works once, logout
// and revocation reach every gateway at once, a disabled or re-passworded user is refused within
// seconds, and a session ends at its hard expiry.
func TestSessions(t *testing.T) {
	s := testkit.NewStack(t)
	e := startPaymentServices(t, startOrderServices(s, map[string]string{
		"LOGIN_LIMIT_IP":          "100000",
		"SESSION_CHECK_CACHE_FOR": sessionCheckCacheFor.String(),
	}, nil), nil)
	gateways := map[string]string{ // an authenticated read on each gateway
		"user-api":    e.users.base + "/user/v1/me",
		"order-api":   e.base + "/order/v1/orders",
		"payment-api": e.pay + "/payment/v1/payments/000000000000000000000000",
	}
	// authenticated reports, per gateway, whether token got past authentication (the payment
	// read answers 404 for an unknown payment once authenticated).
	authenticated := func(t *testing.T, token string) map[string]int {
		t.Helper()
		out := map[string]int{}
		for name, url := range gateways {
			out[name] = call(t, http.MethodGet, url, token, nil).Status
		}
		return out
	}
	expectAll := func(t *testing.T, token string, live bool) {
		t.Helper()
		for name, status := range authenticated(t, token) {
			if ok := status != http.StatusUnauthorized && status != http.StatusForbidden; ok != live {
				t.Errorf("%s answered %d, want live=%v", name, status, live)
			}
		}
	}
	refresh := func(t *testing.T, tok string) response {
		t.Helper()
		return call(t, http.MethodPost, e.users.base+"/user/v1/refresh", "", map[string]any{"refreshToken": tok})
	}
	db := func(t *testing.T) *sql.DB {
		t.Helper()
		d, err := sql.Open("mysql", s.DSN("user"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	// refusedWithin polls until token is refused by every gateway and returns how long that took.
	refusedWithin := func(t *testing.T, token string, limit time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			refused := 0
			for _, status := range authenticated(t, token) {
				if status == http.StatusUnauthorized || status == http.StatusForbidden {
					refused++
				}
			}
			if refused == len(gateways) {
				return time.Since(start)
			}
			if time.Since(start) > limit {
				t.Fatalf("still accepted by %d of %d gateways after %s", len(gateways)-refused, len(gateways), limit)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	t.Run("RefreshTokenWorksOnce_ReuseEndsTheSession", func(t *testing.T) {
		a := e.buyer(t)
		first := refresh(t, a.Refresh)
		if first.Status != http.StatusOK {
			t.Fatalf("refresh: %d %s", first.Status, first.Raw)
		}
		e.users.keepToken(first.str("refreshToken"))
		expectAll(t, first.str("accessToken"), true)
		// The thief (or the victim) presents the used token: refused, and the session is over
		// for everyone, the newest pair included.
		expectError(t, refresh(t, a.Refresh), 401, 2007, "refresh token")
		expectAll(t, first.str("accessToken"), false)
		expectError(t, refresh(t, first.str("refreshToken")), 401, 2007, "refresh token")
		expectError(t, refresh(t, "garbage"), 401, 2007, "refresh token")
		expectError(t, refresh(t, ""), 400, 1400, "refreshToken")
	})

	t.Run("ConcurrentReuseWinsAtMostOnce", func(t *testing.T) {
		a := e.buyer(t)
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = refresh(t, a.Refresh).Status
			}()
		}
		wg.Wait()
		ok := 0
		for _, st := range statuses {
			if st == http.StatusOK {
				ok++
			}
		}
		if ok > 1 {
			t.Fatalf("one refresh token was honoured %d times: %v", ok, statuses)
		}
	})

	t.Run("LogoutEndsTheSessionAtOnceEverywhere", func(t *testing.T) {
		a := e.buyer(t)
		other := e.buyer(t) // same helper, another account
		expectAll(t, a.Token, true)
		r := call(t, http.MethodPost, e.users.base+"/user/v1/logout", a.Token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("logout: %d %s", r.Status, r.Raw)
		}
		// No polling: the very next request at each gateway is refused.
		for name, status := range authenticated(t, a.Token) {
			if status != http.StatusUnauthorized {
				t.Errorf("%s answered %d right after logout, want 401", name, status)
			}
		}
		expectError(t, refresh(t, a.Refresh), 401, 2007, "refresh token")
		expectError(t, call(t, http.MethodPost, e.users.base+"/user/v1/logout", a.Token, nil), 401, 2006, "session has ended")
		expectAll(t, other.Token, true)
	})

	t.Run("LogoutEndsOnlyThatSession", func(t *testing.T) {
		a := e.buyer(t) // two sessions: one from register, one from login
		registered := call(t, http.MethodPost, e.users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
		call(t, http.MethodPost, e.users.base+"/user/v1/logout", a.Token, nil)
		expectAll(t, registered.str("accessToken"), true)
	})

	t.Run("DisabledUserIsRefusedWithinSeconds", func(t *testing.T) {
		a := e.buyer(t)
		expectAll(t, a.Token, true)
		if _, err := db(t).Exec("UPDATE users SET status = 2 WHERE id = ?", a.ID); err != nil {
			t.Fatal(err)
		}
		took := refusedWithin(t, a.Token, sessionCheckCacheFor+5*time.Second)
		t.Logf("FIGURE disabled user refused at every gateway %s after the SQL update (SESSION_CHECK_CACHE_FOR=%s)", took.Round(time.Millisecond), sessionCheckCacheFor)
		expectError(t, refresh(t, a.Refresh), 403, 2005, "account disabled")
		expectError(t, call(t, http.MethodPost, e.users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password}), 403, 2005, "account disabled")
	})

	t.Run("ChangedPasswordEndsEverySession", func(t *testing.T) {
		a := e.buyer(t)
		hash, err := bcrypt.GenerateFromPassword([]byte("a brand new password"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db(t).Exec("UPDATE users SET password_hash = ? WHERE id = ?", hash, a.ID); err != nil {
			t.Fatal(err)
		}
		took := refusedWithin(t, a.Token, sessionCheckCacheFor+5*time.Second)
		t.Logf("FIGURE re-passworded user refused at every gateway %s after the SQL update", took.Round(time.Millisecond))
		expectError(t, refresh(t, a.Refresh), 401, 2006, "session has ended")
	})

	t.Run("SessionEndsAtItsHardExpiry", func(t *testing.T) {
		a := e.buyer(t)
		if _, err := db(t).Exec("UPDATE sessions SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE user_id = ?", a.ID); err != nil {
			t.Fatal(err)
		}
		refusedWithin(t, a.Token, sessionCheckCacheFor+5*time.Second)
		expectError(t, refresh(t, a.Refresh), 401, 2007, "refresh token")
	})

	t.Run("RefreshTokensAreStoredHashed", func(t *testing.T) {
		a := e.buyer(t)
		var stored string
		sid, _, _ := strings.Cut(a.Refresh, ".")
		if err := db(t).QueryRow("SELECT refresh_hash FROM sessions WHERE id = ?", sid).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if len(stored) != 64 || strings.Contains(a.Refresh, stored) || strings.Contains(stored, a.Refresh) {
			t.Fatalf("sessions.refresh_hash %q is not a hash of the token", stored)
		}
	})
}

// TestAbuseLimits: per-IP limits count the real client, which a client cannot choose.
func TestAbuseLimits(t *testing.T) {
	s := testkit.NewStack(t)
	s.StartRPC("user", map[string]string{"REGISTER_LIMIT_IP": "3", "LOGIN_LIMIT_IP": "100000"})
	direct := s.StartAPI("user", nil)                                                   // clients connect straight to it
	proxied := s.StartAPI("user", map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32"}) // behind a proxy on 127.0.0.1
	register := func(t *testing.T, base string, xff string) response {
		t.Helper()
		return call(t, http.MethodPost, base+"/user/v1/register", "", map[string]any{
			"email": uniqueEmail("flood"), "password": "correct horse", "nickname": "F",
		}, "X-Forwarded-For", xff)
	}

	t.Run("RegisterFloodIsLimitedPerIP_SpoofedForwardedForIgnored", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			if r := register(t, direct.URL, fmt.Sprintf("198.51.100.%d", i)); r.Status != http.StatusOK {
				t.Fatalf("registration %d: %d %s", i+1, r.Status, r.Raw)
			}
		}
		r := register(t, direct.URL, "198.51.100.99")
		expectError(t, r, 429, 2008, "too many registrations")
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 3600 {
			t.Errorf("429 without a sensible Retry-After: %q", r.Header.Get("Retry-After"))
		}
	})

	t.Run("TrustedProxyPassesTheRealClient", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			if r := register(t, proxied.URL, "203.0.113.7"); r.Status != http.StatusOK {
				t.Fatalf("registration %d: %d %s", i+1, r.Status, r.Raw)
			}
		}
		expectError(t, register(t, proxied.URL, "203.0.113.7"), 429, 2008, "too many registrations")
		// A client that writes its own X-Forwarded-For gets it prepended to by the proxy: the
		// rightmost untrusted address is still the real one.
		expectError(t, register(t, proxied.URL, "192.0.2.1, 203.0.113.7"), 429, 2008, "too many registrations")
		if r := register(t, proxied.URL, "203.0.113.8"); r.Status != http.StatusOK {
			t.Fatalf("another client behind the proxy was limited: %d %s", r.Status, r.Raw)
		}
	})
}

// TestHostileBodies: the bodies of unauthenticated requests cost bounded memory and logs.
func TestHostileBodies(t *testing.T) {
	s := testkit.NewStack(t)
	s.StartRPC("user", nil)
	api := s.StartAPI("user", nil)

	t.Run("GzipBombsWithBadTokens", func(t *testing.T) {
		bomb := gzipBomb(t, 200<<20)
		const bombs = 50
		rss0, _, err := api.Memory()
		if err != nil {
			t.Fatal(err)
		}
		logs0 := len(api.Logs())
		statuses := make([]int, bombs)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = postRaw(t, http.MethodPut, api.URL+"/user/v1/me", bomb,
					"Authorization", "Bearer bad.token.here", "Content-Encoding", "gzip")
			}()
		}
		wg.Wait()
		// A bomb on a public route is read, but only up to MaxBytes of inflated JSON.
		public := postRaw(t, http.MethodPost, api.URL+"/user/v1/login", bomb, "Content-Encoding", "gzip")
		rss1, peak, err := api.Memory()
		if err != nil {
			t.Fatal(err)
		}
		logGrowth := len(api.Logs()) - logs0
		answers := map[int]int{}
		for _, st := range statuses {
			answers[st]++
		}
		t.Logf("FIGURE gzip bombs: %d x %d KB (inflating to 200 MB) with bad tokens: answers %v; public-route bomb %d; "+
			"user-api RSS %d MB before, %d MB after, peak %d MB; log growth %d bytes",
			bombs, len(bomb)>>10, answers, public, rss0>>20, rss1>>20, peak>>20, logGrowth)
		if answers[http.StatusUnauthorized] != bombs {
			t.Errorf("answers %v, want %d x 401", answers, bombs)
		}
		if public != http.StatusRequestEntityTooLarge {
			t.Errorf("bomb on a public route answered %d, want 413", public)
		}
		if peak > 150<<20 {
			t.Errorf("user-api peaked at %d MB, want < 150 MB", peak>>20)
		}
		if logGrowth > 1<<20 {
			t.Errorf("user-api logged %d bytes, want < 1 MB", logGrowth)
		}
	})

	t.Run("ScriptStyleClientGetsThe413", func(t *testing.T) {
		// Like Python's urllib: write the whole 3 MB body, only then read the answer.
		conn, err := net.Dial("tcp", api.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := `{"nickname":"` + strings.Repeat("x", 3<<20) + `"}`
		head := fmt.Sprintf("POST /user/v1/register HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", api.Addr, len(body))
		_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := io.WriteString(conn, head+body); err != nil {
			t.Fatalf("writing the body failed (the server hung up instead of answering 413): %v", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer after the body: %v", err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(raw), `"code":1413`) {
			t.Fatalf("got %d %s, want 413 {code:1413}", resp.StatusCode, raw)
		}
	})

	t.Run("UnknownContentEncodingIs415", func(t *testing.T) {
		if st := postRaw(t, http.MethodPost, api.URL+"/user/v1/login", []byte(`{}`), "Content-Encoding", "br"); st != http.StatusUnsupportedMediaType {
			t.Fatalf("got %d, want 415", st)
		}
	})
}

// A client that hangs up mid-request is a 499 in the access log, not an error.
func TestClientGoneIsCountedNotLogged(t *testing.T) {
	s := testkit.NewStack(t)
	mysql := s.ProxyMySQL()
	s.StartRPC("user", nil)
	api := s.StartAPI("user", nil)
	users := &userEnv{stack: s, base: api.URL}
	a := users.register(t, api.URL, "gone")

	mysql.SetDelay(2 * time.Second) // login reads the account from MySQL
	logs0 := len(api.Logs())
	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, api.URL+"/user/v1/login",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, a.Password)))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("login answered %d within 300ms through a 2s-slow MySQL", resp.StatusCode)
	}
	var logs string
	testkit.Eventually(t, 5*time.Second, "the abandoned request is logged", func() bool {
		logs = api.Logs()[logs0:]
		return strings.Contains(logs, "[HTTP] 499 - POST /user/v1/login")
	})
	mysql.SetDelay(0)
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "error") || strings.Contains(line, " 503 ") {
			t.Errorf("the client's leaving was logged as a failure: %s", line)
		}
	}
}

// gzipBomb compresses n zero bytes (about n/1000 bytes of gzip).
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for i := 0; i < n>>20; i++ {
		if _, err := zw.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postRaw sends body as JSON with extra headers (name, value pairs) and returns the status.
func postRaw(t *testing.T, method, url string, body []byte, headers ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
