package events

import (
	"strings"
	"testing"

	"zeromall/pkg/confx"
)

// Production refuses a broker without a login, or with a short or public development password;
// development takes one without.
func TestConfigCheck_ProductionNeedsTheBrokersLogin(t *testing.T) {
	for _, c := range []struct {
		name string
		env  confx.Env
		conf Config
		want string // in the error; "" for none
	}{
		{"no address", confx.Development, Config{}, "NATS_URL"},
		{"development, no login", confx.Development, Config{URL: "nats://127.0.0.1:4222"}, ""},
		{"production, no login", confx.Production, Config{URL: "nats://nats:4222"}, "NATS_USER"},
		{"production, short password", confx.Production, Config{URL: "nats://nats:4222", User: "zeromall", Password: "short"}, "NATS_PASSWORD"},
		{"production, development password", confx.Production, Config{URL: "nats://nats:4222", User: "zeromall", Password: "dev-only-nats-password-0123456789"}, "NATS_PASSWORD"},
		{"production, real login", confx.Production, Config{URL: "nats://nats:4222", User: "zeromall", Password: "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}, ""},
	} {
		err := c.conf.Check(c.env)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.want)
		}
	}
}
