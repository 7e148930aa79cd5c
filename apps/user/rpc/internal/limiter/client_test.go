package limiter

import "testing"

func TestClientKey_IPv4AsItIsIPv6ByItsSlash64(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"}, // IPv4-mapped: the same client as its IPv4 form
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2::ffff", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"}, // the next /64 is another client
		{"not an ip", "not an ip"},
		{"", ""},
	} {
		if got := ClientKey(c.ip); got != c.want {
			t.Errorf("ClientKey(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}
