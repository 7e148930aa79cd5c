package httpresult

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/rest/httpx"
	"google.golang.org/grpc/codes"
)

// ErrUnsupportedMediaType answers a body that is not JSON.
var ErrUnsupportedMediaType = xerr.New(1415, codes.InvalidArgument, http.StatusUnsupportedMediaType,
	"Content-Type must be application/json")

var errMalformedJSON = xerr.ErrBadRequest.WithMsg("body: malformed JSON")

// JSONBody checks every request body before goctl's handler parses it: it must stay within
// maxBytes, declared or chunked (go-zero's MaxBytes middleware checks only Content-Length and
// answers a bare 413, so gateways turn it off with Middlewares.MaxBytes: false); it must be
// declared as JSON (a form body would otherwise surface as a puzzling "field is not set"); and it
// must be well-formed (go-zero's parse error would echo the raw body, passwords included).
func JSONBody(maxBytes int64) rest.Middleware {
	return func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next(w, r)
				return
			}
			if r.ContentLength > maxBytes {
				writeError(w, r, xerr.ErrPayloadTooLarge)
				return
			}
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				writeError(w, r, ErrUnsupportedMediaType)
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				writeError(w, r, xerr.ErrPayloadTooLarge)
				return
			case err != nil:
				writeError(w, r, xerr.ErrBadRequest.WithMsg("body: could not be read"))
				return
			case len(body) > 0 && !json.Valid(body):
				writeError(w, r, errMalformedJSON)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			next(w, r)
		}
	}
}

func writeError(w http.ResponseWriter, r *http.Request, ce *xerr.CodeError) {
	httpx.WriteJsonCtx(r.Context(), w, ce.HTTPStatus, Body{Code: ce.Code, Msg: ce.Msg})
}
