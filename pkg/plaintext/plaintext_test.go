package plaintext

import (
	"errors"
	"strings"
	"testing"

	"zeromall/pkg/xerr"
)

func TestCheck(t *testing.T) {
	for in, want := range map[string]string{"  Zoë  ": "Zoë", "界界": "界界", "a b-c!": "a b-c!"} {
		if got, err := Check("nickname", in, 4+2); err != nil || got != want {
			t.Errorf("Check(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", "  ", "abcdefg", "a\nb", "\xffab",
		"ab\u202egnp", // right-to-left override: "abpng" shows as "ab" + "gnp" reversed
		"a\u200bb",    // zero-width space
		"a\u2066b",    // left-to-right isolate
		"\ufeffab",    // zero-width no-break space
		"a\u00a0b",    // no-break space: looks like a space, is not one
	}
	for _, in := range bad {
		_, err := Check("nickname", in, 6)
		var ce *xerr.CodeError
		if !errors.As(err, &ce) || !errors.Is(err, xerr.ErrBadRequest) || !strings.HasPrefix(ce.Msg, "nickname:") {
			t.Errorf("Check(%q) = %v, want a 400 about nickname", in, err)
		}
	}
}
