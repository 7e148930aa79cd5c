package signature

import (
	"strings"
	"testing"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestVerify(t *testing.T) {
	body := []byte(`{"paymentSn":"1","amount":100}`)
	sig := Sign(secret, body)
	if !Verify(secret, body, sig) {
		t.Fatal("own signature rejected")
	}
	if !Verify(secret, body, strings.ToUpper(sig)) {
		t.Error("upper-case hex rejected")
	}
	bad := map[string]struct {
		body []byte
		sig  string
	}{
		"tampered body":  {[]byte(`{"paymentSn":"1","amount":1}`), sig},
		"other secret":   {body, Sign([]byte("another-secret-another-secret-000"), body)},
		"empty":          {body, ""},
		"not hex":        {body, "zz" + sig[2:]},
		"truncated":      {body, sig[:len(sig)-2]},
		"extended":       {body, sig + "00"},
		"trailing space": {append(body, ' '), sig},
	}
	for name, tc := range bad {
		if Verify(secret, tc.body, tc.sig) {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"a":1}`), Sign(secret, []byte(`{"a":1}`)))
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		ok := Verify(secret, body, sig)
		if ok != strings.EqualFold(sig, Sign(secret, body)) {
			t.Fatalf("Verify(%q, %q) = %v", body, sig, ok)
		}
	})
}
