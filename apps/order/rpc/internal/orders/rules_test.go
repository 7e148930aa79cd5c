package orders

import (
	"errors"
	"testing"

	"zeromall/apps/order/model"
	"zeromall/pkg/xerr"
)

// These tests need no servers: the rules of the domain are plain functions.

func TestStateMachine(t *testing.T) {
	cases := []struct {
		from, to string
		ok       bool
	}{
		{model.StatusPending, model.StatusPaid, true},
		{model.StatusPending, model.StatusCancelled, true},
		{model.StatusPaid, model.StatusRefunded, true},
		{model.StatusPending, model.StatusRefunded, false},
		{model.StatusPaid, model.StatusCancelled, false},
		{model.StatusCancelled, model.StatusPaid, false},
		{model.StatusCancelled, model.StatusPending, false},
		{model.StatusRefunded, model.StatusPaid, false},
		{model.StatusPaid, model.StatusPending, false},
	}
	for _, tc := range cases {
		if got := CanTransition(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s -> %s allowed=%v", tc.from, tc.to, got)
		}
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
	if page, size, err := checkPaging(0, 0, ""); page != 1 || size != defaultPageSize || err != nil {
		t.Fatalf("defaults: %d %d %v", page, size, err)
	}
	for _, bad := range []struct {
		page, size int64
		status     string
	}{{-1, 10, ""}, {maxPage + 1, 10, ""}, {1, maxPageSize + 1, ""}, {1, 10, "shipped"}} {
		if _, _, err := checkPaging(bad.page, bad.size, bad.status); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("%+v accepted", bad)
		}
	}
}
