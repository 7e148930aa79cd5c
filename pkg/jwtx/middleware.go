package jwtx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// RejectedAlgHandler answers a request whose verified token was not HS256.
type RejectedAlgHandler func(w http.ResponseWriter, r *http.Request)

// OnlyHS256 returns a middleware (server.Use) that rejects tokens signed with any algorithm but
// HS256. go-zero's verifier accepts every HMAC variant keyed with the secret, and a gateway must
// not accept tokens its issuer never mints. Public routes (no uid claim in context) pass through.
func OnlyHS256(reject RejectedAlgHandler) func(http.HandlerFunc) http.HandlerFunc {
	return func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Context().Value(ClaimUID) != nil && tokenAlg(r) != "HS256" {
				reject(w, r)
				return
			}
			next(w, r)
		}
	}
}

func tokenAlg(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	token := strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	head, _, ok := strings.Cut(token, ".")
	if !ok {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h.Alg
}
