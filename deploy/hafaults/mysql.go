package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The Galera nodes of run-ha.sh: node i serves SQL on 3310+i, its group traffic on 4560+i, its
// incremental and full state transfers on 4570+i and 4440+i. HAProxy's writer port (the primary
// flag) reaches whichever node takes writes.
const galeraNodes = 3

func nodeSQLPort(node int) int { return 3310 + node }

func nodeClusterPorts(node int) []int { return []int{4560 + node, 4570 + node, 4440 + node} }

func nodeDSN(node int) string {
	return fmt.Sprintf("root:@tcp(127.0.0.1:%d)/?timeout=1s&readTimeout=3s&writeTimeout=3s", nodeSQLPort(node))
}

// writerNode asks the writer port which node it reaches (writer keeps no idle connection, so
// this is a new connection, which HAProxy sends to the node taking writes now).
func writerNode(ctx context.Context, writer *sql.DB) (int, error) {
	var port int
	if err := writer.QueryRowContext(ctx, "SELECT @@port").Scan(&port); err != nil {
		return 0, fmt.Errorf("which node takes writes: %w", err)
	}
	return port - 3310, nil
}

// nodeStatus reads a node's view of the cluster: its component, its state and the cluster's size.
func nodeStatus(ctx context.Context, node int) (component string, synced bool, size int, err error) {
	db, err := sql.Open("mysql", nodeDSN(node))
	if err != nil {
		return "", false, 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_status', 'wsrep_local_state', 'wsrep_cluster_size')")
	if err != nil {
		return "", false, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return "", false, 0, err
		}
		switch name {
		case "wsrep_cluster_status":
			component = value
		case "wsrep_local_state":
			synced = value == "4"
		case "wsrep_cluster_size":
			size, _ = strconv.Atoi(value)
		}
	}
	return component, synced, size, rows.Err()
}

// nodeBack is true once node is Synced in a Primary component of every node.
func nodeBack(ctx context.Context, node int) bool {
	component, synced, size, err := nodeStatus(ctx, node)
	return err == nil && component == "Primary" && synced && size == galeraNodes
}

// writesMoved is a takenOver check: the writer port reaches a node other than the broken one.
func writesMoved(writer *sql.DB, broken *int) func(context.Context) bool {
	return func(ctx context.Context) bool {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		n, err := writerNode(ctx, writer)
		if err == nil && n != *broken {
			fmt.Printf("    writes moved from node %d to node %d\n", *broken, n)
			return true
		}
		return false
	}
}

// killWriter SIGKILLs the node taking writes; HAProxy moves writes to another node, and the
// killed one rejoins by an incremental state transfer when it is started again.
func killWriter(writer *sql.DB) fault {
	var node int
	return fault{
		name: "kill the mysql writer",
		inject: func(ctx context.Context) error {
			var err error
			if node, err = writerNode(ctx, writer); err != nil {
				return err
			}
			return killAndWait(ctx, fmt.Sprintf("mysql-%d", node))
		},
		takenOver: writesMoved(writer, &node),
		restore:   func(context.Context) error { return launch(fmt.Sprintf("mysql-%d", node)) },
		recovered: func(ctx context.Context) bool { return nodeBack(ctx, node) },
	}
}

// partitionWriter cuts the node taking writes off from the other two while clients still reach
// it: it is then a minority, which must refuse every write (no split brain), and HAProxy's check
// moves writes to the majority. Every 200 ms of the hold a write is tried on the cut node itself;
// minorityWrites counts those it accepted, which must stay 0.
func partitionWriter(writer *sql.DB, minorityWrites *atomic.Int64) fault {
	var node int
	stopProbe := func() {}
	return fault{
		name: "partition the mysql writer",
		inject: func(ctx context.Context) error {
			var err error
			if node, err = writerNode(ctx, writer); err != nil {
				return err
			}
			if _, err := writer.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS zeromall_ha"); err != nil {
				return fmt.Errorf("create the probe database: %w", err)
			}
			if _, err := writer.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS zeromall_ha.probe (id INT PRIMARY KEY, at DATETIME(6) NOT NULL)"); err != nil {
				return fmt.Errorf("create the probe table: %w", err)
			}
			var peers []int
			for n := 1; n <= galeraNodes; n++ {
				if n != node {
					peers = append(peers, nodeClusterPorts(n)...)
				}
			}
			if err := isolate(ctx, fmt.Sprintf("mysql-%d", node), nodeClusterPorts(node), peers); err != nil {
				return err
			}
			probeCtx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			stopProbe = func() { cancel(); <-done }
			go func() {
				defer close(done)
				probeMinority(probeCtx, node, minorityWrites)
			}()
			return nil
		},
		takenOver: writesMoved(writer, &node),
		restore: func(ctx context.Context) error {
			stopProbe()
			if n := minorityWrites.Load(); n > 0 {
				fmt.Printf("    SPLIT BRAIN: the cut-off node accepted %d writes\n", n)
			}
			return heal(ctx)
		},
		recovered: func(ctx context.Context) bool { return nodeBack(ctx, node) },
	}
}

// probeMinority tries a write on node every 200 ms until ctx ends, and counts those that commit.
func probeMinority(ctx context.Context, node int, accepted *atomic.Int64) {
	db, err := sql.Open("mysql", nodeDSN(node)+"&autocommit=true")
	if err != nil {
		return
	}
	defer db.Close()
	tries, refused := 0, map[string]int{}
	for ctx.Err() == nil {
		tries++
		wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err := db.ExecContext(wctx, "REPLACE INTO zeromall_ha.probe VALUES (?, NOW(6))", node)
		cancel()
		if err == nil {
			accepted.Add(1)
		} else if ctx.Err() == nil {
			refused[shortError(err)]++
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Printf("    writes tried on the cut-off node: %d, accepted %d, refused %v\n", tries, accepted.Load(), refused)
}

func shortError(err error) string {
	s := err.Error()
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// explainAbove is the error count from which a fault prints its timeline and the Galera nodes'
// membership events even without -timeline: every fault's usual count is well below it.
const explainAbove = 300

// galeraEvent picks the lines of a node's log that tell how the cluster's membership and state
// moved: views, install rounds, suspicions, state transfers, flow control.
var galeraEvent = regexp.MustCompile(`install timer expired|suspecting node|declaring inactive|New COMPONENT|Shifting|` +
	`Received NON-PRIMARY|requested state transfer|IST received|Running: 'wsrep_sst|flow control|Flow-control`)

// printGaleraEvents prints the membership events every node logged between from and to.
func printGaleraEvents(from, to time.Time) {
	for n := 1; n <= galeraNodes; n++ {
		f, err := os.Open(filepath.Join(haDir, "logs", fmt.Sprintf("mysql-%d.log", n)))
		if err != nil {
			fmt.Printf("    mysql-%d: %v\n", n, err)
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			at, ok := galeraLogTime(line)
			if !ok || at.Before(from.Truncate(time.Second)) || at.After(to) || !galeraEvent.MatchString(line) {
				continue
			}
			fmt.Printf("    mysql-%d: %s\n", n, line)
		}
		f.Close()
	}
}

// galeraLogTime reads the time a MariaDB log line starts with: local time, the hour
// space-padded ("2026-12-06  8:22:21 0 [Note] …").
func galeraLogTime(line string) (time.Time, bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return time.Time{}, false
	}
	at, err := time.ParseInLocation("2006-01-02 15:04:05", f[0]+" "+f[1], time.Local)
	return at, err == nil
}
