package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/breaker"
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

func TestIsUnavailable_TellsAnOutageFromARefusal(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("find order: %w", breaker.ErrServiceUnavailable), true},
		{fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{driver.ErrBadConn, true},
		{context.DeadlineExceeded, true},
		{&mysql.MySQLError{Number: errDeadlock}, true},
		{&mysql.MySQLError{Number: errDupEntry}, false},
		{errors.New("order is cancelled"), false},
	} {
		if got := IsUnavailable(c.err); got != c.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
