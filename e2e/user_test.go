package e2e

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"github.com/golang-jwt/jwt/v4"
)

const loginAccountQuota = 5

// userEnv is the user stack (etcd, Redis, MySQL, user-rpc, user-api) the user tests share.
type userEnv struct {
	stack *testkit.Stack
	base  string

	mu     sync.Mutex
	tokens []string // valid tokens handed out, which must never be logged
}

func (e *userEnv) keepToken(tok string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = append(e.tokens, tok)
	return tok
}

func (e *userEnv) issuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.tokens) == 0 {
		panic("no tokens recorded")
	}
	return append([]string(nil), e.tokens...)
}

func TestUserGateway(t *testing.T) {
	s := testkit.NewStack(t)
	rpc := s.StartRPC("user", map[string]string{
		"LOGIN_LIMIT_ACCOUNT": fmt.Sprint(loginAccountQuota),
		"LOGIN_LIMIT_IP":      "100000",
	})
	api := s.StartAPI("user", nil)
	env := &userEnv{stack: s, base: api.URL}

	t.Run("RpcIsDiscoveredThroughEtcd", func(t *testing.T) {
		if got := etcdEndpoints(t, s.Etcd, "user.rpc"); len(got) != 1 || got[0] != rpc.Addr {
			t.Fatalf("etcd key user.rpc holds %v, want [%s]", got, rpc.Addr)
		}
	})
	t.Run("RegisterLoginReadUpdateRefresh", env.registerLoginReadUpdateRefresh)
	t.Run("BadInputIsRejectedAndWritesNothing", env.badInputIsRejectedAndWritesNothing)
	t.Run("LoginFailuresRevealNothingAndAreThrottled", env.loginFailuresRevealNothingAndAreThrottled)
	t.Run("ProtectedEndpointsRejectBadTokens", env.protectedEndpointsRejectBadTokens)
	t.Run("UpdateProfileValidatesNickname", env.updateProfileValidatesNickname)
	t.Run("EveryEditableFieldRoundTrips", env.everyEditableFieldRoundTrips)
	t.Run("UnknownRoutesAnswerJSON", env.unknownRoutesAnswerJSON)

	// Everything above sent passwords and tokens; none of them, nor a hash or the signing
	// secret, may appear in any log line.
	t.Run("LogsHoldNoSecrets", func(t *testing.T) {
		// user-api logs each request (gateway.AccessLog); user-rpc only faults and slow calls,
		// never a request's content (rpcx.ServerSlow's own test), so here maybe nothing.
		if !strings.Contains(api.Logs(), "/user/v1/me") {
			t.Fatalf("%s logged no requests; the check below would prove nothing", api.Name)
		}
		for _, p := range []*testkit.Service{rpc, api} {
			logs := p.Logs()
			secrets := append([]string{"s3cret-pass", "correct horse", "wrong password", testkit.TestJWTSecret, "$2a$"}, env.issuedTokens()...)
			for _, secret := range secrets {
				if strings.Contains(logs, secret) {
					t.Errorf("%s logs contain %q", p.Name, secret)
				}
			}
		}
	})
}

var emailSeq struct {
	sync.Mutex
	n int
}

func uniqueEmail(tag string) string {
	emailSeq.Lock()
	defer emailSeq.Unlock()
	emailSeq.n++
	return fmt.Sprintf("%s-%d-%d@example.com", tag, time.Now().UnixNano(), emailSeq.n)
}

type account struct {
	ID       int64
	Email    string
	Password string
	Token    string
	Refresh  string
}

func (e *userEnv) register(t *testing.T, base, tag string) account {
	t.Helper()
	a := account{Email: uniqueEmail(tag), Password: "correct horse"}
	r := call(t, http.MethodPost, base+"/user/v1/register", "", map[string]any{
		"email": a.Email, "password": a.Password, "nickname": "Tester",
	})
	if r.Status != http.StatusOK {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	a.ID = int64(r.JSON["id"].(float64))
	a.Token = e.keepToken(r.str("accessToken"))
	a.Refresh = e.keepToken(r.str("refreshToken"))
	return a
}

func (e *userEnv) countUsers(t *testing.T, where string, args ...any) int {
	t.Helper()
	db, err := sql.Open("mysql", e.stack.DSN("user"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *userEnv) registerLoginReadUpdateRefresh(t *testing.T) {
	base := e.base
	email := strings.ToUpper(uniqueEmail("Happy"))

	reg := call(t, http.MethodPost, base+"/user/v1/register", "", map[string]any{
		"email": email, "password": "s3cret-pass", "nickname": "  Alice  ",
	})
	if reg.Status != http.StatusOK || reg.str("accessToken") == "" || reg.JSON["id"].(float64) <= 0 {
		t.Fatalf("register: %d %s", reg.Status, reg.Raw)
	}
	expire, refreshAfter := int64(reg.JSON["accessExpire"].(float64)), int64(reg.JSON["refreshAfter"].(float64))
	if d := time.Until(time.Unix(expire, 0)); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("token expires in %s, want the default 15m", d)
	}
	if d := time.Until(time.Unix(int64(reg.JSON["refreshExpire"].(float64)), 0)); d < 719*time.Hour || d > 721*time.Hour {
		t.Errorf("session ends in %s, want the default 30 days", d)
	}
	e.keepToken(reg.str("refreshToken"))
	if refreshAfter >= expire {
		t.Errorf("refreshAfter %d not before accessExpire %d", refreshAfter, expire)
	}

	// Email is case-insensitive: logging in with the lower-cased form works.
	login := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{
		"email": strings.ToLower(email), "password": "s3cret-pass",
	})
	if login.Status != http.StatusOK || login.str("accessToken") == "" {
		t.Fatalf("login: %d %s", login.Status, login.Raw)
	}
	token := e.keepToken(login.str("accessToken"))
	refresh := e.keepToken(login.str("refreshToken"))

	me := call(t, http.MethodGet, base+"/user/v1/me", token, nil)
	if me.Status != http.StatusOK || me.str("email") != strings.ToLower(email) || me.str("nickname") != "Alice" {
		t.Fatalf("me: %d %s", me.Status, me.Raw)
	}
	if _, err := time.Parse(time.RFC3339, me.str("createdAt")); err != nil || !strings.HasSuffix(me.str("createdAt"), "Z") {
		t.Errorf("createdAt %q is not RFC 3339 UTC", me.str("createdAt"))
	}
	if me.Header.Get("X-Trace-Id") == "" {
		t.Error("no X-Trace-Id header")
	}

	// The profile read above is cached; the update must be visible on the very next read.
	upd := call(t, http.MethodPut, base+"/user/v1/me", token, map[string]any{"nickname": "Alice Liddell"})
	if upd.Status != http.StatusOK || upd.str("nickname") != "Alice Liddell" {
		t.Fatalf("update: %d %s", upd.Status, upd.Raw)
	}
	if again := call(t, http.MethodGet, base+"/user/v1/me", token, nil); again.str("nickname") != "Alice Liddell" {
		t.Fatalf("read after update: %s", again.Raw)
	}

	ref := call(t, http.MethodPost, base+"/user/v1/refresh", "", map[string]any{"refreshToken": refresh})
	if ref.Status != http.StatusOK || ref.str("accessToken") == "" || ref.str("accessToken") == token ||
		ref.str("refreshToken") == "" || ref.str("refreshToken") == refresh {
		t.Fatalf("refresh: %d %s", ref.Status, ref.Raw)
	}
	e.keepToken(ref.str("accessToken"))
	e.keepToken(ref.str("refreshToken"))
	if ref.JSON["refreshExpire"] != login.JSON["refreshExpire"] {
		t.Errorf("refreshing moved the end of the session: %v, was %v", ref.JSON["refreshExpire"], login.JSON["refreshExpire"])
	}
	if r := call(t, http.MethodGet, base+"/user/v1/me", ref.str("accessToken"), nil); r.Status != http.StatusOK {
		t.Fatalf("refreshed token rejected: %d %s", r.Status, r.Raw)
	}
	// The token it replaced is still good until it expires: refreshing is not logging out.
	if r := call(t, http.MethodGet, base+"/user/v1/me", token, nil); r.Status != http.StatusOK {
		t.Fatalf("the previous access token of a live session rejected: %d %s", r.Status, r.Raw)
	}
}

func (e *userEnv) badInputIsRejectedAndWritesNothing(t *testing.T) {
	base := e.base
	taken := e.register(t, base, "taken")
	huge := `{"email":"big@example.com","password":"password1","nickname":"` + strings.Repeat("x", 70000) + `"}`

	cases := []struct {
		name   string
		body   any
		ctype  string
		status int
		code   int
		msg    string
	}{
		{"missing email", `{"password":"password1","nickname":"n"}`, "", 400, 1400, `"email"`},
		{"missing password", `{"email":"%s","nickname":"n"}`, "", 400, 1400, `"password"`},
		{"missing nickname", `{"email":"%s","password":"password1"}`, "", 400, 1400, `"nickname"`},
		{"invalid email", `{"email":"not-an-email","password":"password1","nickname":"n"}`, "", 400, 1400, "email: is not a valid address"},
		{"email without domain dot", `{"email":"a@localhost","password":"password1","nickname":"n"}`, "", 400, 1400, "email:"},
		{"email with display name", `{"email":"Eve <eve@example.com>","password":"password1","nickname":"n"}`, "", 400, 1400, "email:"},
		{"short password", `{"email":"%s","password":"short","nickname":"n"}`, "", 400, 1400, "password: must be at least 8"},
		{"long password", `{"email":"%s","password":"` + strings.Repeat("p", 73) + `","nickname":"n"}`, "", 400, 1400, "password: must be at most 72"},
		{"blank nickname", `{"email":"%s","password":"password1","nickname":"   "}`, "", 400, 1400, "nickname: is required"},
		{"long nickname", `{"email":"%s","password":"password1","nickname":"` + strings.Repeat("é", 33) + `"}`, "", 400, 1400, "nickname: must be at most 32"},
		{"control char nickname", `{"email":"%s","password":"password1","nickname":"a\u0007b"}`, "", 400, 1400, "nickname: must not contain"},
		{"wrong type", `{"email":5,"password":"password1","nickname":"n"}`, "", 400, 1400, `"email"`},
		{"malformed JSON", `{"email":"%s",`, "", 400, 1400, "malformed JSON"},
		{"form body", `email=a@b.co`, "application/x-www-form-urlencoded", 415, 1415, "application/json"},
		{"oversized body", huge, "", 413, 1413, "too large"},
		{"duplicate email", `{"email":"` + taken.Email + `","password":"password1","nickname":"n"}`, "", 409, 2001, "already registered"},
		{"duplicate email other case", `{"email":"` + strings.ToUpper(taken.Email) + `","password":"password1","nickname":"n"}`, "", 409, 2001, "already registered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			email := uniqueEmail("bad")
			body := tc.body.(string)
			if strings.Contains(body, "%s") {
				body = fmt.Sprintf(body, email)
			}
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			r := call(t, http.MethodPost, base+"/user/v1/register", "", body, "Content-Type", ctype)
			expectError(t, r, tc.status, tc.code, tc.msg)
			if n := e.countUsers(t, "email = ?", email); n != 0 {
				t.Errorf("a rejected registration wrote %d row(s)", n)
			}
		})
	}
	if n := e.countUsers(t, "email = ?", strings.ToLower(taken.Email)); n != 1 {
		t.Errorf("duplicate attempts left %d rows for %s, want 1", n, taken.Email)
	}
}

func (e *userEnv) loginFailuresRevealNothingAndAreThrottled(t *testing.T) {
	base := e.base
	a := e.register(t, base, "login")

	wrong := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": "wrong password"})
	unknown := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": uniqueEmail("nobody"), "password": "wrong password"})
	expectError(t, wrong, 401, 2002, "email or password is incorrect")
	expectError(t, unknown, 401, 2002, "email or password is incorrect")
	if string(wrong.Raw) != string(unknown.Raw) {
		t.Errorf("wrong password and unknown email answer differently: %s vs %s", wrong.Raw, unknown.Raw)
	}
	expectError(t, call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": a.Email}), 400, 1400, `"password"`)

	// Successful logins never count: the account's owner cannot lock themselves out.
	for i := 0; i < loginAccountQuota+2; i++ {
		r := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
		if r.Status != http.StatusOK {
			t.Fatalf("successful login %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	// Failures do: after loginAccountQuota of them even the right password waits, and is told how long.
	for i := 0; i < loginAccountQuota; i++ {
		r := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": "wrong password"})
		expectError(t, r, 401, 2002, "email or password is incorrect")
	}
	r := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
	expectError(t, r, 429, 2004, "too many login attempts")
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 15*60 {
		t.Errorf("429 without a sensible Retry-After: %q", r.Header.Get("Retry-After"))
	}

	// Another account is not affected.
	b := e.register(t, base, "login-other")
	if r := call(t, http.MethodPost, base+"/user/v1/login", "", map[string]any{"email": b.Email, "password": b.Password}); r.Status != http.StatusOK {
		t.Fatalf("other account throttled: %d %s", r.Status, r.Raw)
	}
}

func (e *userEnv) protectedEndpointsRejectBadTokens(t *testing.T) {
	base := e.base
	a := e.register(t, base, "tokens")
	now := time.Now()
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	secret := []byte(testkit.TestJWTSecret)
	sid := sessionID(t, a.Token)
	valid := jwt.MapClaims{"uid": a.ID, "sid": sid, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	tampered := a.Token[:len(a.Token)-2] + "xx"

	tokens := map[string]string{
		"none":         "",
		"garbage":      "not.a.token",
		"tampered":     tampered,
		"other secret": sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-123456"), valid),
		"expired":      sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": a.ID, "sid": sid, "iat": now.Add(-3 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}),
		"no expiry":    sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": a.ID, "sid": sid, "iat": now.Unix()}),
		"alg none":     sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid),
		"HS384":        sign(jwt.SigningMethodHS384, secret, valid),
		"HS512":        sign(jwt.SigningMethodHS512, secret, valid),
		"no uid":       sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sid": sid, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}),
		"no session":   sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": a.ID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}),
		"string uid":   sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": "abc", "sid": sid, "exp": now.Add(time.Hour).Unix()}),
		// Signed with the real secret but naming a session that does not exist, or someone else's.
		"unknown session": sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": a.ID, "sid": strings.Repeat("ab", 16), "exp": now.Add(time.Hour).Unix()}),
		"other user":      sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"uid": a.ID + 1, "sid": sid, "exp": now.Add(time.Hour).Unix()}),
	}
	for name, tok := range tokens {
		t.Run(name, func(t *testing.T) {
			for _, ep := range []struct{ method, path string }{
				{http.MethodGet, "/user/v1/me"},
				{http.MethodPut, "/user/v1/me"},
				{http.MethodPost, "/user/v1/logout"},
			} {
				var body any
				if ep.method == http.MethodPut {
					body = map[string]any{"nickname": "hijacked"}
				}
				r := call(t, ep.method, base+ep.path, tok, body)
				if strings.HasPrefix(name, "unknown session") || name == "other user" {
					expectError(t, r, 401, 2006, "session has ended")
					continue
				}
				expectError(t, r, 401, 1401, "")
			}
		})
	}
	if r := call(t, http.MethodGet, base+"/user/v1/me", a.Token, nil); r.Status != http.StatusOK {
		t.Fatalf("the real token stopped working after the attempts above: %d %s", r.Status, r.Raw)
	}
	me := call(t, http.MethodGet, base+"/user/v1/me", a.Token, nil)
	if me.str("nickname") != "Tester" {
		t.Errorf("a rejected token changed the profile: %s", me.Raw)
	}
}

func (e *userEnv) updateProfileValidatesNickname(t *testing.T) {
	base := e.base
	a := e.register(t, base, "nick")
	for _, nick := range []string{"", "   ", strings.Repeat("n", 33)} {
		r := call(t, http.MethodPut, base+"/user/v1/me", a.Token, map[string]any{"nickname": nick})
		expectError(t, r, 400, 1400, "nickname:")
	}
	if me := call(t, http.MethodGet, base+"/user/v1/me", a.Token, nil); me.str("nickname") != "Tester" {
		t.Errorf("rejected updates changed the nickname: %s", me.Raw)
	}
}

func (e *userEnv) unknownRoutesAnswerJSON(t *testing.T) {
	base := e.base
	expectError(t, call(t, http.MethodGet, base+"/user/v1/nope", "", nil), 404, 1404, "no such endpoint")
	expectError(t, call(t, http.MethodDelete, base+"/user/v1/me", "", nil), 405, 1405, "method not allowed")
}

// sessionID reads the sid claim of an access token (without verifying it).
func sessionID(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sid string `json:"sid"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil || claims.Sid == "" {
		t.Fatalf("no sid claim in %s", raw)
	}
	return claims.Sid
}
