package enumword

import "testing"

var values = map[string]int32{"ORDER_STATUS_UNSPECIFIED": 0, "ORDER_STATUS_PENDING": 1, "ORDER_STATUS_PAID": 2}

func TestWord(t *testing.T) {
	for name, want := range map[string]string{
		"ORDER_STATUS_PENDING": "pending", "ORDER_STATUS_UNSPECIFIED": "", "7": "",
	} {
		if got := Word(name, "ORDER_STATUS_"); got != want {
			t.Errorf("Word(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	if v, ok := Parse("paid", "ORDER_STATUS_", values); !ok || v != 2 {
		t.Fatalf("paid: %d %v", v, ok)
	}
	for _, bad := range []string{"", "PAID", "Paid", "unspecified", "shipped", "status_paid"} {
		if _, ok := Parse(bad, "ORDER_STATUS_", values); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestWords_ParseKnowsOnlyItsWords(t *testing.T) {
	type status uint8
	w := Words[status]{1: "pending", 2: "paid"}
	if v, err := w.Parse("paid"); v != 2 || err != nil {
		t.Fatalf("paid: %v %v", v, err)
	}
	for _, bad := range []string{"", "Paid", "shipped"} {
		if v, err := w.Parse(bad); err == nil {
			t.Errorf("%q parsed as %v", bad, v)
		}
	}
}
