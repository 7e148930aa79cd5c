package middleware

import (
	"bytes"
	"io"
	"net/http"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/signature"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest/httpx"
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
		// gateway.JSONBody bounds and checks the body as it is read: an error here is its
		// answer (413, 400), not a bad signature.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}
		if !signature.Verify(m.secret, body, r.Header.Get(signature.Header)) {
			httpresult.WriteError(w, r, xerr.ErrBadSignature)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	}
}
