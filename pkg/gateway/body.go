// body.go is the gateways' request body policy: bounded, gzip-aware, checked JSON, read
// only by the handler that needs it.

package gateway

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest"
)

var errMalformedJSON = xerr.ErrBadRequest.WithMsg("body: malformed JSON")

// lingerBytes is how much of an over-limit body is read and thrown away before the 413, as
// nginx's lingering close does: a client that writes its whole body before reading the answer
// (most scripts) then gets the 413 instead of a reset connection. Larger bodies are cut off.
const lingerBytes = 4 << 20

// JSONBody guards every request body. Cheap header checks run at once: the path and query must
// be valid UTF-8 (gRPC refuses to marshal anything else: a 500 later), a body must be declared as
// JSONBody and may be gzip-compressed but nothing else. The body itself is read only by the code that
// needs it (so an unauthenticated request is refused before a byte of its body is read), through
// a reader that enforces maxBytes on the bytes received and on the inflated bytes alike, and that
// checks the whole body before handing out any of it: well-formed JSON (go-zero's parse error
// would echo the raw body, passwords included), valid UTF-8, and every number an integer that
// fits int64 (zeromall's APIs carry no fractions; money is cents). A failed check surfaces from
// Read as an *xerr.CodeError, which httpresult.ErrorHandler answers. Gateways turn off go-zero's own MaxBytes
// (Content-Length only, bare 413) and Gunzip (unbounded inflation) middlewares.
// It also keeps the query in the context, so httpresult.ErrorHandler can name a malformed parameter.
func JSONBody(maxBytes int64) rest.Middleware {
	return func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			query := r.URL.Query()
			if !validUTF8(r.URL.Path, query) {
				httpresult.WriteError(w, r, xerr.ErrBadRequest.WithMsg("path and query must be valid UTF-8"))
				return
			}
			r = r.WithContext(httpresult.WithQuery(r.Context(), query))
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next(w, r)
				return
			}
			gzipped := false
			switch enc := strings.TrimSpace(r.Header.Get("Content-Encoding")); {
			case strings.EqualFold(enc, "gzip"):
				gzipped = true
			case enc != "" && !strings.EqualFold(enc, "identity"):
				httpresult.WriteError(w, r, xerr.ErrUnsupportedEncoding)
				return
			}
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				httpresult.WriteError(w, r, xerr.ErrUnsupportedMediaType)
				return
			}
			r.Header.Del("Content-Encoding") // what the handler reads is inflated
			r.Body = &checkedBody{w: w, raw: r.Body, declared: r.ContentLength, gzipped: gzipped, max: maxBytes}
			next(w, r)
		}
	}
}

// checkedBody is a request body read, bounded and checked as a whole on the first Read.
type checkedBody struct {
	w        http.ResponseWriter
	raw      io.ReadCloser
	declared int64
	gzipped  bool
	max      int64

	loaded bool
	err    error
	data   *bytes.Reader
}

func (b *checkedBody) Read(p []byte) (int, error) {
	if !b.loaded {
		b.loaded = true
		b.err = b.load()
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.data.Read(p)
}

func (b *checkedBody) Close() error {
	return b.raw.Close()
}

func (b *checkedBody) load() error {
	if b.declared > b.max {
		return b.tooLarge()
	}
	received := &io.LimitedReader{R: b.raw, N: b.max + 1}
	var src io.Reader = received
	if b.gzipped {
		zr, err := gzip.NewReader(received)
		if err != nil {
			return b.unreadable("body: not valid gzip")
		}
		src = zr
	}
	body, err := io.ReadAll(io.LimitReader(src, b.max+1))
	switch {
	case received.N == 0 || int64(len(body)) > b.max:
		return b.tooLarge()
	case err != nil:
		return b.unreadable("body: could not be read")
	case len(body) > 0 && !json.Valid(body):
		return errMalformedJSON
	case !utf8.Valid(body): // encoding/json would quietly turn bad bytes into U+FFFD
		return xerr.ErrBadRequest.WithMsg("body: must be valid UTF-8")
	}
	if mayHoldNonInteger(body) {
		if path := firstNonInteger(body); path != "" {
			return xerr.Field(path, "must be a whole number between -9223372036854775808 and 9223372036854775807")
		}
	}
	b.data = bytes.NewReader(body)
	return nil
}

// tooLarge drains what is left of the body, up to lingerBytes, and closes the connection after
// the answer.
func (b *checkedBody) tooLarge() error {
	_, _ = io.CopyN(io.Discard, b.raw, lingerBytes)
	b.w.Header().Set("Connection", "close")
	return xerr.ErrPayloadTooLarge
}

// unreadable reports a body that broke off or is not what it claims; a gzip stream that is bad
// at the start is drained like an over-limit body so the client still reads the 400.
func (b *checkedBody) unreadable(msg string) error {
	_, _ = io.CopyN(io.Discard, b.raw, lingerBytes)
	return xerr.ErrBadRequest.WithMsg(msg)
}

// mayHoldNonInteger is a cheap scan of valid JSON for a number that might not be an int64 (a
// fraction, an exponent or 19+ digits), so the allocating walk below runs only when needed.
func mayHoldNonInteger(body []byte) bool {
	inString := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inString:
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '-' || c >= '0' && c <= '9':
			digits := 0
			for ; i < len(body) && strings.IndexByte("0123456789.eE+-", body[i]) >= 0; i++ {
				switch body[i] {
				case '.', 'e', 'E':
					return true
				}
				digits++
			}
			if digits >= 19 {
				return true
			}
			i--
		}
	}
	return false
}

// firstNonInteger returns the path (e.g. "items[0].quantity") of the first number in a JSON
// document that is not an int64, or "".
func firstNonInteger(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return ""
	}
	return walkNumbers(doc, "body")
}

func walkNumbers(v any, path string) string {
	switch t := v.(type) {
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err != nil {
			return path
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys) // report the same field every time
		for _, k := range keys {
			child := t[k]
			p := k
			if path != "body" {
				p = path + "." + k
			}
			if bad := walkNumbers(child, p); bad != "" {
				return bad
			}
		}
	case []any:
		for i, child := range t {
			if bad := walkNumbers(child, fmt.Sprintf("%s[%d]", path, i)); bad != "" {
				return bad
			}
		}
	}
	return ""
}

func validUTF8(path string, query url.Values) bool {
	if !utf8.ValidString(path) {
		return false
	}
	for name, values := range query {
		if !utf8.ValidString(name) {
			return false
		}
		for _, v := range values {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}
