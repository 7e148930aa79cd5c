package gateway

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest/httpx"
)

// reading is a handler that reads the body the way goctl's handlers do (httpx.Parse) and answers
// a read error through ErrorHandler; *reached tells whether it got the body.
func reading(reached *bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			st, body := httpresult.ErrorHandler(r.Context(), fmt.Errorf("string: ``, error: `%w`", err))
			httpx.WriteJsonCtx(r.Context(), w, st, body)
			return
		}
		*reached = true
	}
}

func gzipped(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJSON(t *testing.T) {
	var reached bool
	h := JSONBody(64)(reading(&reached))
	cases := []struct {
		name     string
		ctype    string
		body     string
		chunked  bool
		status   int
		encoding string
	}{
		{"valid", "application/json", `{"a":1}`, false, 200, ""},
		{"valid with charset", "application/json; charset=utf-8", `{"a":1}`, false, 200, ""},
		{"no body", "", "", false, 200, ""},
		{"form", "application/x-www-form-urlencoded", "a=1", false, 415, ""},
		{"no content type", "", `{"a":1}`, false, 415, ""},
		{"malformed", "application/json", `{"a":`, false, 400, ""},
		{"too large declared", "application/json", `{"a":"` + strings.Repeat("x", 100) + `"}`, false, 413, ""},
		{"too large chunked", "application/json", `{"a":"` + strings.Repeat("x", 100) + `"}`, true, 413, ""},
		{"fraction", "application/json", `{"items":[{"q":1.5}]}`, false, 400, ""},
		{"invalid utf-8", "application/json", "{\"a\":\"\xff\"}", false, 400, ""},
		{"overflow", "application/json", `{"n":99999999999999999999}`, false, 400, ""},
		{"int64 bounds", "application/json", `{"a":9223372036854775807,"b":-9223372036854775808}`, false, 200, ""},
		{"gzip", "application/json", gzipped(t, `{"a":1}`), false, 200, "gzip"},
		{"gzip inflating past the limit", "application/json", gzipped(t, `{"a":"`+strings.Repeat("x", 10_000)+`"}`), false, 413, "gzip"},
		{"gzip bomb, chunked", "application/json", gzipped(t, strings.Repeat(" ", 1<<20)), true, 413, "gzip"},
		{"not gzip", "application/json", `{"a":1}`, false, 400, "gzip"},
		{"deflate", "application/json", `{"a":1}`, false, 415, "deflate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reached = false
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.body == "" {
				r = httptest.NewRequest(http.MethodPost, "/", nil)
			}
			if tc.chunked {
				r.ContentLength = -1
			}
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			if tc.encoding != "" {
				r.Header.Set("Content-Encoding", tc.encoding)
			}
			w := httptest.NewRecorder()
			h(w, r)
			if w.Code != tc.status || reached != (tc.status == 200) {
				t.Fatalf("status %d reached=%v body %s", w.Code, reached, w.Body)
			}
			if tc.status != 200 && !strings.Contains(w.Body.String(), `"code":`) {
				t.Fatalf("error without {code,msg}: %s", w.Body)
			}
		})
	}
}

// A body is read only by a handler that wants it: one that refuses the request first (the Auth
// middleware) costs nothing, whatever the body would inflate to.
func TestJSON_UnreadBodyIsNeverRead(t *testing.T) {
	raw := &countingReader{r: strings.NewReader(gzipped(t, strings.Repeat("x", 1<<20)))}
	h := JSONBody(64)(func(w http.ResponseWriter, r *http.Request) { httpresult.WriteError(w, r, xerr.ErrUnauthorized) })
	r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(raw))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Content-Encoding", "gzip")
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != 401 || raw.n != 0 {
		t.Fatalf("status %d after reading %d body bytes", w.Code, raw.n)
	}
}

// An over-limit body is drained (up to lingerBytes) before the 413, so a client that writes its
// whole body before reading gets the answer instead of a reset.
func TestJSON_OverLimitBodyIsDrained(t *testing.T) {
	for _, size := range []int{100, 3 << 20} {
		raw := &countingReader{r: strings.NewReader(`{"a":"` + strings.Repeat("x", size) + `"}`)}
		var reached bool
		h := JSONBody(64)(reading(&reached))
		r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(raw))
		r.Header.Set("Content-Type", "application/json")
		r.ContentLength = int64(size + 8)
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code != 413 || raw.n != int64(size+8) || w.Header().Get("Connection") != "close" {
			t.Fatalf("size %d: status %d, drained %d, Connection %q", size, w.Code, raw.n, w.Header().Get("Connection"))
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestJSON_NamesTheNonIntegerField(t *testing.T) {
	var reached bool
	h := JSONBody(1024)(reading(&reached))
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"items":[{"productId":1,"quantity":2},{"productId":2,"quantity":1e3}]}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "items[1].quantity: must be a whole number") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// FuzzJSON: whatever the body, the middleware either passes well-formed JSON whose numbers
// are all int64 on to the handler, or answers 4xx with {code,msg}; it never panics or 5xxs.
func FuzzJSON(f *testing.F) {
	f.Add(`{"items":[{"productId":1,"quantity":2}]}`)
	f.Add(`{"n":1e400}`)
	f.Add(`{"a":"\xff"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var passed bool
		h := JSONBody(4096)(reading(&passed))
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h(w, r)
		switch {
		case passed && (len(body) > 4096 || !utf8.ValidString(body) || (body != "" && firstNonInteger([]byte(body)) != "")):
			t.Fatalf("passed %q", body)
		case !passed && (w.Code < 400 || w.Code >= 500 || !strings.Contains(w.Body.String(), `"code":`)):
			t.Fatalf("answered %d %s", w.Code, w.Body)
		}
	})
}

func TestMayHoldNonInteger(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a":1,"b":[-2,3]}`:                 false,
		`{"email":"a.b@example.com","n":12}`: false,
		`{"s":"1.5e3 \" 2.5"}`:               false,
		`{"n":1.5}`:                          true,
		`{"n":-1e3}`:                         true,
		`{"n":1234567890123456789}`:          true,
		`{"n":123456789012345678}`:           false,
	} {
		if got := mayHoldNonInteger([]byte(body)); got != want {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}
