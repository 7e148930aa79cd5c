package sessions

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// A refresh token is "<session id>.<secret>.<tag>": the secret is 32 random bytes and the tag an
// HMAC-SHA256 of the session id and the secret under a key only user-rpc holds, both base64url.
// Only the SHA-256 of the whole token is stored, and only the current one: the tag is what lets
// Refresh recognise any older token of the session as one it issued (theft) without keeping it,
// while a made-up secret beside a real session id (a guess) fails the tag and ends nothing.
// Tokens issued before tags existed ("<session id>.<secret>") are still accepted while current.
const (
	sessionIDLen     = 32
	refreshSecretLen = 43 // 32 bytes, base64url without padding
	refreshTagLen    = 43 // an HMAC-SHA256, base64url without padding
)

// refreshToken is a parsed refresh token.
type refreshToken struct {
	sessionID, secret, tag string // tag is empty in a token from before tags
}

// tagKey tags and checks refresh tokens.
type tagKey []byte

// newTagKey derives the tag key from the access-token secret, so no second secret has to be
// configured; a changed JWT_SECRET only means older tokens can no longer be told from guesses.
func newTagKey(accessSecret string) tagKey {
	m := hmac.New(sha256.New, []byte(accessSecret))
	m.Write([]byte("zeromall refresh token tag v1"))
	return m.Sum(nil)
}

func (k tagKey) tag(sid, secret string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(sid + "." + secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// issued tells whether t carries this key's tag, i.e. this service issued it for its session.
func (k tagKey) issued(t refreshToken) bool {
	return t.tag != "" && hmac.Equal([]byte(t.tag), []byte(k.tag(t.sessionID, t.secret)))
}

func (k tagKey) newRefreshToken(sid string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refresh token: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	return sid + "." + secret + "." + k.tag(sid, secret), nil
}

// parseRefreshToken checks a token's shape; whether it was issued is tagKey.issued's question.
func parseRefreshToken(tok string) (refreshToken, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 2 && len(parts) != 3 {
		return refreshToken{}, false
	}
	t := refreshToken{sessionID: parts[0], secret: parts[1]}
	if !validSessionID(t.sessionID) || !isBase64URL(t.secret, refreshSecretLen) {
		return refreshToken{}, false
	}
	if len(parts) == 3 {
		if !isBase64URL(parts[2], refreshTagLen) {
			return refreshToken{}, false
		}
		t.tag = parts[2]
	}
	return t, true
}

func isBase64URL(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

func validSessionID(sid string) bool {
	if len(sid) != sessionIDLen {
		return false
	}
	for i := 0; i < len(sid); i++ {
		c := sid[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func sameHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
