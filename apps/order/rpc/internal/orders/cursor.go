// The page cursors of the catalogue and the stock ledger.

package orders

import (
	"encoding/base64"
	"strconv"
	"strings"

	"zeromall/pkg/xerr"
)

// Cursors are opaque to clients: a kind and the last id of the page they follow, base64url. The
// kind keeps a ledger cursor from being used to page the catalogue.
const (
	productCursor = "p"
	ledgerCursor  = "l"
)

// encodeCursor returns the cursor of the page after id; "" for 0 (no next page).
func encodeCursor(kind string, id int64) string {
	if id == 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(kind + strconv.FormatInt(id, 10)))
}

// decodeCursor returns the id in a cursor of kind, 0 for an empty cursor.
func decodeCursor(kind, cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	bad := xerr.Field("cursor", "is not a cursor this API returned")
	if len(cursor) > 32 {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(raw), kind) {
		return 0, bad
	}
	id, err := strconv.ParseInt(string(raw[len(kind):]), 10, 64)
	if err != nil || id <= 0 {
		return 0, bad
	}
	return id, nil
}
