package httpresult

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/rest/httpx"
)

var errMalformedJSON = xerr.ErrBadRequest.WithMsg("body: malformed JSON")

// JSONBody checks every request body before goctl's handler parses it: it must stay within
// maxBytes, declared or chunked (go-zero's MaxBytes middleware checks only Content-Length and
// answers a bare 413, so gateways turn it off with Middlewares.MaxBytes: false); it must be
// declared as JSON (a form body would otherwise surface as a puzzling "field is not set"); it
// must be well-formed (go-zero's parse error would echo the raw body, passwords included); and
// every number in it must be an integer that fits int64, because zeromall's APIs carry no
// fractions (money is cents) and go-zero's own overflow error does not name the field.
// The path and query must be valid UTF-8 too. It also keeps the query in the context, so
// ErrorHandler can name a malformed parameter.
func JSONBody(maxBytes int64) rest.Middleware {
	return func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			query := r.URL.Query()
			if !validUTF8(r.URL.Path, query) { // gRPC refuses to marshal such strings: a 500 later
				WriteError(w, r, xerr.ErrBadRequest.WithMsg("path and query must be valid UTF-8"))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), queryKey{}, query))
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next(w, r)
				return
			}
			if r.ContentLength > maxBytes {
				WriteError(w, r, xerr.ErrPayloadTooLarge)
				return
			}
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				WriteError(w, r, xerr.ErrUnsupportedMediaType)
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				WriteError(w, r, xerr.ErrPayloadTooLarge)
				return
			case err != nil:
				WriteError(w, r, xerr.ErrBadRequest.WithMsg("body: could not be read"))
				return
			case len(body) > 0 && !json.Valid(body):
				WriteError(w, r, errMalformedJSON)
				return
			case !utf8.Valid(body): // encoding/json would quietly turn bad bytes into U+FFFD
				WriteError(w, r, xerr.ErrBadRequest.WithMsg("body: must be valid UTF-8"))
				return
			}
			if mayHoldNonInteger(body) {
				if path := firstNonInteger(body); path != "" {
					WriteError(w, r, xerr.Field(path, "must be a whole number between -9223372036854775808 and 9223372036854775807"))
					return
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			next(w, r)
		}
	}
}

// WriteError answers with ce's status and {code,msg}; for middlewares that reject a request.
func WriteError(w http.ResponseWriter, r *http.Request, ce *xerr.CodeError) {
	httpx.WriteJsonCtx(r.Context(), w, ce.HTTPStatus, Body{Code: ce.Code, Msg: ce.Msg})
}

type queryKey struct{}

// mayHoldNonInteger is a cheap scan of valid JSON for a number that might not be an int64 (a
// fraction, an exponent or 19+ digits), so the allocating walk below runs only when needed.
func mayHoldNonInteger(body []byte) bool {
	inString := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
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

// queryParamWith names the query parameter whose value is raw, for errors that carry only the value.
func queryParamWith(ctx context.Context, raw string) string {
	q, _ := ctx.Value(queryKey{}).(url.Values)
	for name, values := range q {
		for _, v := range values {
			if v == raw {
				return name
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
