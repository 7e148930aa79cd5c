// Command hafaults breaks the HA topology of make run-ha one part at a time under steady load
// through HAProxy (reads and whole purchases) and prints, per fault, what clients saw:
//
//	ha: <fault> errors=<n> p99_ms=<n> recovered_s=<n> lost=<n> violations=<n>
//
// errors are non-2xx answers (and failed connections) seen by clients from the fault until 3 s
// after the part recovered; recovered_s is how long the part took to serve again after it was
// started again or its cut healed; lost counts writes acknowledged in that window (an order
// created, a payment confirmed) that the database does not hold afterwards (for a payment: its
// order not paid within 30 s); violations counts the shop's invariants broken afterwards
// (check.go). Detail lines split the errors into reads and writes and give their time span.
// Loopback only: the load generator shares the machine's CPUs with everything it measures.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"zeromall/deploy/internal/statusword"

	_ "github.com/go-sql-driver/mysql"
)

// options are the command line's.
type options struct {
	hold, settle        time.Duration
	shoppers            int
	readers, buyers     int
	readEvery, buyEvery time.Duration
	only                string
	timeline            bool
	primaryDSN          string
}

func main() {
	var o options
	flag.DurationVar(&o.hold, "hold", 15*time.Second, "how long each fault is held before the part is started again (above the 10 s etcd lease of a killed server)")
	flag.DurationVar(&o.settle, "settle", 3*time.Second, "load after a part recovered that still counts towards its fault")
	flag.IntVar(&o.shoppers, "shoppers", 12, "signed-up users the load is spread over")
	flag.IntVar(&o.readers, "readers", 6, "reader loops (each alternates profile, catalogue, product page, order list)")
	flag.DurationVar(&o.readEvery, "read-every", 40*time.Millisecond, "pause between one reader's requests")
	flag.IntVar(&o.buyers, "buyers", 3, "buyer loops (whole purchases)")
	flag.DurationVar(&o.buyEvery, "buy-every", 300*time.Millisecond, "pause between one buyer's purchases")
	flag.StringVar(&o.only, "only", "", "run only the faults whose name matches this regular expression (e.g. 'redis master|mysql writer')")
	flag.BoolVar(&o.timeline, "timeline", false, "after each fault, print one line per second: writes that succeeded, failures by status")
	flag.StringVar(&o.primaryDSN, "primary", "root:@tcp(127.0.0.1:3307)/?parseTime=true&timeout=2s", "HAProxy's port to the Galera node taking writes (for the checks)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "hafaults:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	only, err := regexp.Compile(o.only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	primary, err := sql.Open("mysql", o.primaryDSN)
	if err != nil {
		return err
	}
	defer primary.Close()
	primary.SetMaxIdleConns(0) // every check asks HAProxy anew which node takes writes
	defer removeChain(context.WithoutCancel(ctx))

	product, err := loadProduct(ctx, primary)
	if err != nil {
		return err
	}
	var users []shopper
	for i := range o.shoppers {
		sh, err := signUp(ctx, i)
		if err != nil {
			return fmt.Errorf("sign up (is make run-ha running?): %w", err)
		}
		users = append(users, sh)
	}
	fmt.Printf("ha: load through HAProxy: %d readers every %s, %d buyers every %s, %d users, product %d\n",
		o.readers, o.readEvery, o.buyers, o.buyEvery, o.shoppers, product)

	idleFrom, idleBefore := time.Now(), cpuTimes()
	time.Sleep(idleFor)
	idle, idleTotal := cpuShare(idleBefore, cpuTimes(), time.Since(idleFrom))
	fmt.Printf("ha: idle (no load) CPU, share of one core, %.0f%% in all:%s\n", 100*idleTotal, idle)

	rec := &recorder{}
	loadCtx, stopLoad := context.WithCancel(ctx)
	lag, err := watchLag(loadCtx)
	if err != nil {
		stopLoad()
		return fmt.Errorf("watch the consumer lag: %w", err)
	}
	var wg sync.WaitGroup
	for i := range o.readers {
		wg.Go(func() { rec.browse(loadCtx, users[i%len(users)], product, o.readEvery) })
	}
	for i := range o.buyers {
		wg.Go(func() { rec.buy(loadCtx, users[(o.readers+i)%len(users)], product, o.buyEvery) })
	}
	defer func() { stopLoad(); wg.Wait() }()
	var minorityWrites atomic.Int64

	faults := []fault{
		killInstance("user-rpc"), killInstance("order-rpc"), killInstance("payment-rpc"),
		killInstance("user-api"), killInstance("order-api"), killInstance("payment-api"),
		killEtcdMember(), partitionEtcdMember(), killNATSNode(), partitionNATSNode(), killRedisMaster(), partitionRedisMaster(),
		killWriter(primary), partitionWriter(primary, &minorityWrites),
		cutFromEtcd(), cutFromMySQL(), slowLink(),
	}
	fmt.Printf("ha: warming up 3s, then %s of load without a fault\n", baselineFor)
	time.Sleep(3 * time.Second) // warm: connections, caches, the balancer's checks
	from, cpuBefore := time.Now(), cpuTimes()
	time.Sleep(baselineFor)
	elapsed := time.Since(from)
	shares, total := cpuShare(cpuBefore, cpuTimes(), elapsed)
	base := rec.window(from, time.Now())
	baseLag, _ := lag.max(from, time.Now())
	fmt.Printf("ha: %-26s errors=%d p99_ms=%d consumer_lag_max=%d (before any fault: %.0f reads/s, %.0f writes/s, %.1f purchases/s)\n", "baseline",
		base.readErrors+base.writeErrors, base.p99.Milliseconds(), baseLag, float64(base.reads)/elapsed.Seconds(),
		float64(base.writes)/elapsed.Seconds(), float64(countPaid(base.acks))/elapsed.Seconds())
	fmt.Printf("    CPU, share of one core, %.0f%% in all:%s\n", 100*total, shares)
	var chosen []fault
	for _, f := range faults {
		if only.MatchString(f.name) {
			chosen = append(chosen, f)
		}
	}
	h := &harness{rec: rec, lag: lag, primary: primary, product: product, hold: o.hold, settle: o.settle, timeline: o.timeline,
		baseWrites: float64(base.okWrites) / elapsed.Seconds()}
	var lostTotal, brokenTotal int
	var failed []string
	for i, f := range chosen {
		fmt.Printf("ha: [%d/%d, %.0fs] %s: injecting, held %s, then restored\n", i+1, len(chosen), time.Since(began).Seconds(),
			f.name, max(o.hold, f.minHold))
		lost, broken, err := h.runFault(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		lostTotal += lost
		brokenTotal += broken
		if lost+broken > 0 {
			failed = append(failed, f.name)
		}
		time.Sleep(2 * time.Second) // the next fault starts from a quiet system
	}
	if lostTotal+brokenTotal > 0 {
		return fmt.Errorf("%d acknowledged writes lost, %d invariants broken (%s)", lostTotal, brokenTotal, strings.Join(failed, ", "))
	}
	if n := minorityWrites.Load(); n > 0 {
		return fmt.Errorf("split brain: a Galera node cut off into a minority accepted %d writes", n)
	}
	return nil
}

// began is when the run started; progress lines say how long it has been going.
var began = time.Now()

// baselineFor is how long the load runs without a fault, for its figures and CPU shares; idleFor
// how long the CPU shares are read before any load, so the load's own cost can be told apart.
const (
	baselineFor = 10 * time.Second
	idleFor     = 5 * time.Second
)

func countPaid(acks []acked) int {
	n := 0
	for _, a := range acks {
		if a.paid {
			n++
		}
	}
	return n
}

// harness is what every fault runs against.
type harness struct {
	rec          *recorder
	lag          *lagWatch
	primary      *sql.DB
	product      int64
	hold, settle time.Duration
	timeline     bool    // print what clients saw second by second
	baseWrites   float64 // successful writes per second before any fault
}

// runFault injects f, holds it, restores it and reports what clients saw; it returns how many
// acknowledged writes were lost and how many invariants are broken afterwards.
func (h *harness) runFault(ctx context.Context, f fault) (lost, broken int, err error) {
	rec, primary, hold, settle := h.rec, h.primary, h.hold, h.settle
	from := time.Now()
	if err := f.inject(ctx); err != nil {
		_ = heal(context.WithoutCancel(ctx)) // a partition half made
		return 0, 0, err
	}
	var tookOver time.Duration
	for end := from.Add(max(hold, f.minHold)); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		if f.takenOver != nil && tookOver == 0 && f.takenOver(ctx) {
			tookOver = time.Since(from)
		}
	}
	if err := f.restore(ctx); err != nil {
		return 0, 0, err
	}
	restarted := time.Now()
	for !f.recovered(ctx) {
		if time.Since(restarted) > time.Minute {
			return 0, 0, errors.New("not recovered within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	recovered := time.Since(restarted)
	throughputBack := waitThroughput(ctx, rec, restarted, h.baseWrites)
	time.Sleep(settle)
	w := rec.window(from, time.Now())
	// A fault far worse than usual explains itself, so a run that caught a rare one (in CI, say)
	// carries what is needed to find out why: second by second, and the cluster's own account.
	bad := w.readErrors+w.writeErrors >= explainAbove
	if h.timeline || bad {
		rec.timeline(from, time.Now())
	}
	if bad {
		printGaleraEvents(from, time.Now())
	}
	lost, err = countLost(ctx, primary, w.acks)
	if err != nil {
		return 0, 0, err
	}
	broke, err := violations(ctx, primary, h.product, w.acks)
	if err != nil {
		return 0, 0, err
	}
	lagMax, _ := h.lag.max(from, time.Now())
	fmt.Printf("ha: %-26s errors=%d p99_ms=%d recovered_s=%.1f lost=%d violations=%d consumer_lag_max=%d\n", f.name, w.readErrors+w.writeErrors,
		w.p99.Milliseconds(), recovered.Seconds(), lost, len(broke), lagMax)
	for _, v := range broke {
		fmt.Println("    VIOLATION:", v)
	}
	span := "none"
	if !w.firstError.IsZero() {
		span = fmt.Sprintf("%.1fs from %.1fs after the fault", w.lastError.Sub(w.firstError).Seconds(), w.firstError.Sub(from).Seconds())
	}
	fmt.Printf("    reads %d (errors %d), writes %d (errors %d), errors span %s, %d writes acknowledged\n",
		w.reads, w.readErrors, w.writes, w.writeErrors, span, len(w.acks))
	if f.takenOver != nil {
		fmt.Printf("    failed over %.1fs after the fault\n", tookOver.Seconds())
	}
	writesBack := "no write failed"
	if !w.lastWriteError.IsZero() {
		writesBack = fmt.Sprintf("last write error %.1fs after the fault", w.lastWriteError.Sub(from).Seconds())
	}
	fmt.Printf("    %s; successful writes back to 80%% of the baseline rate %.1fs after the part was restored\n",
		writesBack, throughputBack.Seconds())
	return lost, len(broke), nil
}

// waitThroughput returns how long after since the successful writes of one second first reached
// 80 % of the baseline's rate: it reads the recorded load from since on, so a part that took
// longer to report itself recovered than writes took to come back does not hide the earlier
// moment. It gives up 30 s after since.
func waitThroughput(ctx context.Context, rec *recorder, since time.Time, baseWrites float64) time.Duration {
	for end := since; end.Sub(since) < 30*time.Second && ctx.Err() == nil; end = end.Add(100 * time.Millisecond) {
		time.Sleep(time.Until(end))
		if float64(rec.window(end.Add(-time.Second), end).okWrites) >= 0.8*baseWrites {
			return end.Sub(since)
		}
	}
	return 30 * time.Second
}

// loadProduct adds a product with stock enough for any run, straight on the primary (its ledger
// opening balance is its stock), so no purchase of the run is refused for want of stock.
func loadProduct(ctx context.Context, primary *sql.DB) (int64, error) {
	res, err := primary.ExecContext(ctx, "insert into zeromall_order.products (sku, title, price, stock, initial_stock) values (?, 'HA load product', 100, 100000000, 100000000)",
		"HA-"+randomHex(6))
	if err != nil {
		return 0, fmt.Errorf("add the load's product (is make run-ha running?): %w", err)
	}
	return res.LastInsertId()
}

// countLost checks every acknowledged write on the primary: a created order must exist, a
// confirmed payment must have paid its order (through the outbox) within 30 s.
func countLost(ctx context.Context, primary *sql.DB, acks []acked) (int, error) {
	deadline := time.Now().Add(30 * time.Second)
	lost := 0
	for _, a := range acks {
		for {
			var status string
			err := primary.QueryRowContext(ctx, "select status from zeromall_order.orders where sn = ?", a.sn).Scan(&status)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				// The read failed, not the write: HAProxy may have cut the connection (check.go).
				if time.Now().After(deadline) || ctx.Err() != nil {
					return 0, fmt.Errorf("check order %s: %w", a.sn, err)
				}
				time.Sleep(200 * time.Millisecond)
				continue
			}
			done := err == nil && (!a.paid || status == statusword.OrderPaid)
			if done {
				break
			}
			if errors.Is(err, sql.ErrNoRows) || time.Now().After(deadline) {
				fmt.Printf("    LOST: order %s (paid acknowledged: %v) has status %q\n", a.sn, a.paid, status)
				lost++
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return lost, nil
}
