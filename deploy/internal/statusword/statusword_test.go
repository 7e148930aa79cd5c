package statusword

import "testing"

// The words are what the gateways answer (doc/api.md).
func TestWords(t *testing.T) {
	for _, w := range []struct{ got, want string }{
		{OrderPending, "pending"}, {OrderPaid, "paid"}, {OrderRefunded, "refunded"},
		{PaymentSucceeded, "succeeded"}, {PaymentRefunded, "refunded"},
	} {
		if w.got != w.want {
			t.Errorf("%q, want %q", w.got, w.want)
		}
	}
}
