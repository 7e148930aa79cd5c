package store

import (
	"database/sql"
	"errors"
	"testing"
	"time"
)

func TestLagOf_UsesAReplicaOnlyWhileBothThreadsRunAndTheLagIsKnown(t *testing.T) {
	yes, no := sql.NullString{String: "Yes", Valid: true}, sql.NullString{String: "No", Valid: true}
	secs := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	for _, tc := range []struct {
		name   string
		status map[string]sql.NullString
		lag    time.Duration
		broken bool
	}{
		{"replicating", map[string]sql.NullString{"Slave_IO_Running": yes, "Slave_SQL_Running": yes, "Seconds_Behind_Master": secs("3")}, 3 * time.Second, false},
		{"MySQL 8 names", map[string]sql.NullString{"Replica_IO_Running": yes, "Replica_SQL_Running": yes, "Seconds_Behind_Source": secs("0")}, 0, false},
		{"sql thread stopped", map[string]sql.NullString{"Slave_IO_Running": yes, "Slave_SQL_Running": no, "Seconds_Behind_Master": {}}, 0, true},
		{"primary unreachable", map[string]sql.NullString{"Slave_IO_Running": secs("Connecting"), "Slave_SQL_Running": yes, "Seconds_Behind_Master": secs("0")}, 0, true},
		{"lag unknown", map[string]sql.NullString{"Slave_IO_Running": yes, "Slave_SQL_Running": yes, "Seconds_Behind_Master": {}}, 0, true},
	} {
		lag, err := lagOf(tc.status)
		if broken := errors.Is(err, ErrNotReplicating); broken != tc.broken || (!broken && (err != nil || lag != tc.lag)) {
			t.Errorf("%s: lag %s, %v", tc.name, lag, err)
		}
	}
}
