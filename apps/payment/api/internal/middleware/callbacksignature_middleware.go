package middleware

import (
	"bytes"
	"io"
	"net/http"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/signature"
	"zeromall/pkg/xerr"
)

// CallbackSignatureMiddleware lets a webhook through only when X-Signature is the HMAC-SHA256
// of its raw body with the shared secret; anything else is 401 and reaches no logic.
type CallbackSignatureMiddleware struct {
	secret []byte
}

func NewCallbackSignatureMiddleware(secret string) *CallbackSignatureMiddleware {
	return &CallbackSignatureMiddleware{secret: []byte(secret)}
}

func (m *CallbackSignatureMiddleware) Handle(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// httpresult.JSONBody already read the body within MaxBytes and put it back in memory.
		body, err := io.ReadAll(r.Body)
		if err != nil || !signature.Verify(m.secret, body, r.Header.Get(signature.Header)) {
			httpresult.WriteError(w, r, xerr.ErrBadSignature)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	}
}
