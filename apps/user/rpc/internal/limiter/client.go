package limiter

import "net/netip"

// ClientKey is the key a per-client limit counts a client IP under: an IPv4 address as it is, an
// IPv6 address by its /64. One IPv6 subscriber or host is routinely given a whole /64, so keying
// the full address would give anyone 2^64 fresh keys, an unlimited quota and, while Redis is
// away, a flood that fills the in-process counts (maxLocalKeys) and locks new clients out. A
// string that is not an IP (which the gateway never sends) is kept as it is.
func ClientKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr, 64).Masked().String()
}
