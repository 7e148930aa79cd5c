package cachex

import (
	"context"
	"errors"
	"testing"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestRead(t *testing.T) {
	ctx := context.Background()
	direct := func() (string, error) { return "mysql", nil }
	cases := []struct {
		name    string
		cached  func() (string, error)
		want    string
		wantErr error
	}{
		{"hit", func() (string, error) { return "redis", nil }, "redis", nil},
		{"not found is an answer", func() (string, error) { return "", sqlx.ErrNotFound }, "", sqlx.ErrNotFound},
		{"redis down", func() (string, error) { return "", errors.New("dial tcp: connection refused") }, "mysql", nil},
	}
	for _, tc := range cases {
		got, err := Read(ctx, tc.cached, direct)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
}
