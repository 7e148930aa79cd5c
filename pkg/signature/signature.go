// Package signature signs and verifies provider webhooks: the hex HMAC-SHA256 of the raw body
// with a shared secret, as sent in the X-Signature header.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Header carries the signature of a webhook body.
const Header = "X-Signature"

// Sign returns the hex HMAC-SHA256 of body.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether sig is the signature of body, comparing in constant time so the
// answer's timing reveals nothing about the expected value.
func Verify(secret, body []byte, sig string) bool {
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
