package admin

import "time"

// stamp is a Unix-millisecond time as the admin API writes it: RFC 3339 with milliseconds, UTC.
func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
