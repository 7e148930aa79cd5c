package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestRetryLockRaces(t *testing.T) {
	deadlock := fmt.Errorf("commit: %w", &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"})
	other := errors.New("no such payment")
	cases := []struct {
		name      string
		failures  []error // what each call returns, in turn; nil after them
		wantCalls int
		wantErr   error
	}{
		{"a race lost twice, then won", []error{deadlock, deadlock}, 3, nil},
		{"races lost every time", []error{deadlock, deadlock, deadlock, deadlock}, 3, deadlock},
		{"any other error is not repeated", []error{other}, 1, other},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			err := RetryLockRaces(context.Background(), 3, func() error {
				calls++
				if calls <= len(c.failures) {
					return c.failures[calls-1]
				}
				return nil
			})
			if calls != c.wantCalls || !errors.Is(err, c.wantErr) {
				t.Fatalf("%d calls, error %v; want %d calls, error %v", calls, err, c.wantCalls, c.wantErr)
			}
		})
	}
}
