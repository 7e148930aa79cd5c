package ids

import (
	"sort"
	"testing"
	"time"
)

func TestNewSN_SortsByTimeAndIsValid(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 23, 59, 59, 0, time.UTC)
	var sns []string
	for i := range 50 {
		sns = append(sns, NewSN(t0.Add(time.Duration(i)*time.Second)))
	}
	if !sort.StringsAreSorted(sns) {
		t.Fatalf("serial numbers of increasing times do not sort: %v", sns)
	}
	for _, sn := range sns {
		if len(sn) != SNLen || !ValidSN(sn) {
			t.Fatalf("%q is not valid", sn)
		}
	}
	if sns[0][:14] != "20261121235959" {
		t.Fatalf("time prefix %q", sns[0][:14])
	}
}

func TestNewSN_NeighboursDiffer(t *testing.T) {
	now := time.Now()
	seen := map[string]bool{}
	// n draws from 10^10 collide with probability about n²/(2·10^10): 0.5 % for 10,000, which
	// failed a CI run; 1,000 makes it 1 in 20,000, while a fixed or few-digit suffix still fails at once.
	for range 1000 {
		sn := NewSN(now)
		if seen[sn] {
			t.Fatalf("duplicate %s within one second", sn)
		}
		seen[sn] = true
	}
}

func TestValidSN(t *testing.T) {
	for _, bad := range []string{"", "123", "2026112123595912345678901", "20261121235959123456789a",
		"20261399235959123456789 ", "20261341235959123456789", "2026134123595912345678x9", "' OR 1=1 --"} {
		if ValidSN(bad) {
			t.Errorf("ValidSN(%q) = true", bad)
		}
	}
}

func FuzzValidSN(f *testing.F) {
	f.Add(NewSN(time.Now()))
	f.Add("not a serial")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidSN(s) && len(s) != SNLen {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
	})
}
