package orders

import (
	"context"
	"errors"
	"testing"

	"zeromall/pkg/xerr"
)

// These tests need no servers: the rules of the domain are plain functions.

func TestStateMachine(t *testing.T) {
	cases := []struct {
		from, to Status
		ok       bool
	}{
		{Pending, Paid, true},
		{Pending, Cancelled, true},
		{Paid, Refunded, true},
		{Pending, Refunded, false},
		{Paid, Cancelled, false},
		{Cancelled, Paid, false},
		{Cancelled, Pending, false},
		{Refunded, Paid, false},
		{Paid, Pending, false},
	}
	for _, tc := range cases {
		if got := CanTransition(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s -> %s allowed=%v", tc.from, tc.to, got)
		}
	}
}

func TestStatusOf_RefusesUnknownWords(t *testing.T) {
	for _, s := range Statuses {
		if got, err := statusOf(s.String()); err != nil || got != s {
			t.Errorf("statusOf(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := statusOf("succeeded"); err == nil {
		t.Error(`statusOf("succeeded"): no error`)
	}
}

func TestCheckLines_SortsAndRejectsByField(t *testing.T) {
	lines, err := CheckLines([]Line{{ProductID: 9, Quantity: 1}, {ProductID: 3, Quantity: 2}})
	if err != nil || lines[0].ProductID != 3 || lines[1].ProductID != 9 {
		t.Fatalf("lines %+v, %v", lines, err)
	}
	cases := map[string][]Line{
		"items: must hold at least one line":                                    nil,
		"items[1].productId: must be a positive id":                             {{ProductID: 1, Quantity: 1}, {ProductID: 0, Quantity: 1}},
		"items[0].quantity: must be at least 1":                                 {{ProductID: 1, Quantity: 0}},
		"items[0].quantity: must be at most 99":                                 {{ProductID: 1, Quantity: 100}},
		"items[1].productId: appears twice; put the whole quantity on one line": {{ProductID: 4, Quantity: 1}, {ProductID: 4, Quantity: 2}},
	}
	for want, in := range cases {
		_, err := CheckLines(in)
		var ce *xerr.CodeError
		if !errors.As(err, &ce) || !errors.Is(err, xerr.ErrBadRequest) || ce.Msg != want {
			t.Errorf("%+v: got %v, want 400 %q", in, err, want)
		}
	}
}

func TestRequestHash_DependsOnLinesNotTheirOrder(t *testing.T) {
	a, _ := CheckLines([]Line{{ProductID: 1, Quantity: 2}, {ProductID: 3, Quantity: 4}})
	b, _ := CheckLines([]Line{{ProductID: 3, Quantity: 4}, {ProductID: 1, Quantity: 2}})
	c, _ := CheckLines([]Line{{ProductID: 1, Quantity: 2}, {ProductID: 3, Quantity: 5}})
	if RequestHash(a) != RequestHash(b) || RequestHash(a) == RequestHash(c) {
		t.Fatal("hash must identify the set of lines")
	}
}

func TestCheckPaging(t *testing.T) {
	if page, size, err := checkPaging(0, 0); page != 1 || size != defaultPageSize || err != nil {
		t.Fatalf("defaults: %d %d %v", page, size, err)
	}
	for _, bad := range []struct{ page, size int64 }{{-1, 10}, {maxPage + 1, 10}, {1, maxPageSize + 1}} {
		if _, _, err := checkPaging(bad.page, bad.size); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("%+v accepted", bad)
		}
	}
	// A status the domain does not define is refused before anything is read.
	if _, _, err := (&Service{}).List(context.Background(), 1, Status(99), 1, 10); !errors.Is(err, ErrUnknownStatusFilter) {
		t.Errorf("unknown status filter: %v", err)
	}
}
