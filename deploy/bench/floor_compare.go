package main

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"zeromall/deploy/internal/proc"
)

// The floor comparison (doc/performance.md, "Beside a hand-wired floor"): zeromall and the floor
// (deploy/bench/floor, started by bench.sh) answer the same two requests on the same engines,
// with wrk at 1 thread and 32 connections, in alternating rounds so drift on the box hits both
// alike. Only 2xx answers count.

// A floorCase is one compared request: endpoint ("METHOD /path"), sent by buyers buyers in turn.
type floorCase struct {
	endpoint string
	buyers   int
}

// name is how the case is reported, e.g. "POST /order/v1/orders, 32 buyers".
func (c floorCase) name() string {
	if !strings.HasPrefix(c.endpoint, http.MethodPost) {
		return c.endpoint
	}
	if c.buyers == 1 {
		return c.endpoint + ", 1 buyer"
	}
	return fmt.Sprintf("%s, %d buyers", c.endpoint, c.buyers)
}

// floorCases are the compared requests; orders go to hotProducts products, from one buyer (whose
// orders may queue behind each other on the cap of unpaid orders) and from floorBuyers buyers.
var floorCases = []floorCase{
	{endpoint: "GET /user/v1/me", buyers: 1},
	{endpoint: "POST /order/v1/orders", buyers: 1},
	{endpoint: "POST /order/v1/orders", buyers: floorBuyers},
}

const (
	hotProducts = 3
	floorBuyers = 32
)

// A floorRound is one wrk round of one side.
type floorRound struct {
	Side   string  `json:"side"`
	OK     int     `json:"ok"` // 2xx answers
	Non2xx int     `json:"non_2xx"`
	RPS    float64 `json:"ok_rps"`
	// Statuses counts every answer by HTTP status.
	Statuses map[int]int `json:"statuses"`
	P99ms    float64     `json:"p99_ms"` // of every answer: wrk does not split latency by status
	// CPU is the CPU time each process used during the round, by name ("wrk" is the generator).
	CPU map[string]time.Duration `json:"cpu_ns"`
}

// A floorPath is every round of one request and what they add up to.
type floorPath struct {
	Path      string                        `json:"path"`
	NonOK     map[int]int                   `json:"non_2xx_by_status"` // zeromall's, all rounds
	Rounds    []floorRound                  `json:"rounds"`
	RPSRatio  float64                       `json:"rps_ratio"` // zeromall's 2xx over the floor's, all rounds
	P99Ratio  float64                       `json:"p99_ratio"` // median round p99, zeromall over floor
	ZeroRPS   float64                       `json:"zeromall_rps"`
	FloorRPS  float64                       `json:"floor_rps"`
	ZeroP99   float64                       `json:"zeromall_p99_ms"`
	FloorP99  float64                       `json:"floor_p99_ms"`
	CPUPerReq map[string]map[string]float64 `json:"cpu_us_per_request"` // side → process → µs
}

const (
	sideZeromall = "zeromall"
	sideFloor    = "floor"
)

// compareFloor runs rounds alternating rounds of length d per side and path (those containing
// only, when it is set).
func (e *env) compareFloor(rounds int, d time.Duration, only string) []floorPath {
	bases := map[string]map[string]string{
		sideZeromall: {"/user/": e.userAPI, "/order/": e.orderAPI},
		sideFloor:    {"/user/": e.floorAPI, "/order/": e.floorAPI},
	}
	pids := enginePids()
	for name, pid := range proc.PidFiles(filepath.Join(".run", "pids")) {
		pids[name] = pid
	}
	var out []floorPath
	for _, c := range floorCases {
		if !strings.Contains(c.name(), only) {
			continue
		}
		tokens := e.buyerTokens(c.buyers)
		fp := floorPath{Path: c.name()}
		for i := range 2 * rounds {
			side := sideZeromall
			if i%2 == 1 {
				side = sideFloor
			}
			step(fmt.Sprintf("floor comparison: %s, %s, round %d of %d", c.name(), side, i/2+1, rounds))
			time.Sleep(cooldown)
			base := bases[side]["/user/"]
			if strings.Contains(c.endpoint, " /order/") {
				base = bases[side]["/order/"]
			}
			fp.Rounds = append(fp.Rounds, e.floorRound(side, base, c.endpoint, tokens, pids, d))
		}
		fp.summarise()
		out = append(out, fp)
	}
	return out
}

func (e *env) floorRound(side, base, endpoint string, tokens []string, pids map[string]int, d time.Duration) floorRound {
	before := proc.CPUTimes(pids)
	res := e.runWrk(wrkRun{base: base, endpoint: endpoint, conns: 32, threads: 1, d: d, products: e.productIDs[:hotProducts],
		tokens: tokens, statuses: true})
	after := proc.CPUTimes(pids)
	r := floorRound{Side: side, OK: res.requests - res.row.Errors, Non2xx: res.row.Errors, P99ms: res.row.P99ms,
		Statuses: res.statuses, CPU: map[string]time.Duration{"wrk": res.cpu}}
	r.RPS = float64(r.OK) / res.seconds
	for name, t := range after {
		if used := t - before[name]; used > 0 {
			r.CPU[name] = used
		}
	}
	fmt.Fprintf(os.Stderr, "  %-8s %-22s %7.0f ok/s  p99 %6.1f ms  non-2xx %d %s\n", side, endpoint, r.RPS, r.P99ms, r.Non2xx,
		formatNonOK(nonOK(r.Statuses)))
	return r
}

// nonOK is the part of statuses that is not 2xx.
func nonOK(statuses map[int]int) map[int]int {
	out := map[int]int{}
	for status, n := range statuses {
		if status < 200 || status > 299 {
			out[status] += n
		}
	}
	return out
}

// formatNonOK writes counts by status as "(503: 12, 504: 1)", or nothing when there are none.
func formatNonOK(counts map[int]int) string {
	if len(counts) == 0 {
		return ""
	}
	statuses := slices.Sorted(maps.Keys(counts))
	parts := make([]string, len(statuses))
	for i, status := range statuses {
		parts[i] = fmt.Sprintf("%d: %d", status, counts[status])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// buyerTokens returns the tokens of n buyers, the bench buyer first, registering the others the
// first time they are needed.
func (e *env) buyerTokens(n int) []string {
	if len(e.buyers) == 0 {
		e.buyers = []string{e.token}
	}
	for len(e.buyers) < n {
		email := fmt.Sprintf("bench-buyer-%d-%d@bench.invalid", len(e.buyers), time.Now().UnixNano())
		var reg struct{ AccessToken string }
		must(e.post(e.userAPI+"/user/v1/register", "", map[string]any{"email": email, "password": "bench-password", "nickname": "Bench"}, &reg))
		e.buyers = append(e.buyers, reg.AccessToken)
	}
	return e.buyers[:n]
}

func (fp *floorPath) summarise() {
	ok := map[string]int{}
	secs := map[string]float64{}
	p99 := map[string][]float64{}
	cpu := map[string]map[string]time.Duration{}
	fp.NonOK = map[int]int{}
	for _, r := range fp.Rounds {
		if r.Side == sideZeromall {
			for status, n := range nonOK(r.Statuses) {
				fp.NonOK[status] += n
			}
		}
		ok[r.Side] += r.OK
		if r.RPS > 0 {
			secs[r.Side] += float64(r.OK) / r.RPS
		}
		p99[r.Side] = append(p99[r.Side], r.P99ms)
		if cpu[r.Side] == nil {
			cpu[r.Side] = map[string]time.Duration{}
		}
		for name, t := range r.CPU {
			cpu[r.Side][name] += t
		}
	}
	rate := func(side string) float64 {
		if secs[side] == 0 {
			return 0
		}
		return float64(ok[side]) / secs[side]
	}
	fp.ZeroRPS, fp.FloorRPS = rate(sideZeromall), rate(sideFloor)
	fp.ZeroP99, fp.FloorP99 = median(p99[sideZeromall]), median(p99[sideFloor])
	if fp.FloorRPS > 0 {
		fp.RPSRatio = fp.ZeroRPS / fp.FloorRPS
	}
	if fp.FloorP99 > 0 {
		fp.P99Ratio = fp.ZeroP99 / fp.FloorP99
	}
	fp.CPUPerReq = map[string]map[string]float64{}
	for side, byName := range cpu {
		fp.CPUPerReq[side] = map[string]float64{}
		for name, t := range byName {
			if ok[side] > 0 {
				fp.CPUPerReq[side][name] = float64(t.Microseconds()) / float64(ok[side])
			}
		}
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// enginePids finds MariaDB and the Redis on 6379, the machine's own services the stacks share.
func enginePids() map[string]int {
	pids := map[string]int{}
	for name, pattern := range map[string]string{"mysql": "^/usr/sbin/mariadbd|^mariadbd|^/usr/sbin/mysqld", "redis": "^redis-server .*:6379"} {
		out, err := exec.Command("pgrep", "-o", "-f", pattern).Output()
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			pids[name] = pid
		}
	}
	return pids
}

// childCPU is the CPU time a finished command used.
func childCPU(ps *os.ProcessState) time.Duration {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return 0
}

// floorTargets are the comparison's targets: zeromall's 2xx rate over the floor's, and its p99 over the floor's.
// The one-buyer orders have none: they may queue behind each other on the cap of unpaid orders.
var floorTargets = map[string]struct{ minRPS, maxP99 float64 }{
	"GET /user/v1/me":                  {minRPS: 0.85},
	"POST /order/v1/orders, 32 buyers": {minRPS: 0.9, maxP99: 1.2},
}

func printFloor(paths []floorPath) {
	if len(paths) == 0 {
		return
	}
	fmt.Println("\nbeside the hand-wired floor (wrk -t1 -c32, alternating rounds, 2xx only; generator on the same CPUs unless CPUS=separate)")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "path\tzeromall ok/s\tfloor ok/s\tratio\tzeromall p99 ms\tfloor p99 ms\tp99 ratio\tzeromall non-2xx\ttarget\t")
	for _, fp := range paths {
		target := "none"
		if t, ok := floorTargets[fp.Path]; ok {
			verdict := "met"
			if fp.RPSRatio < t.minRPS || (t.maxP99 > 0 && fp.P99Ratio > t.maxP99) {
				verdict = "MISSED"
			}
			target = fmt.Sprintf("≥%.2f", t.minRPS)
			if t.maxP99 > 0 {
				target += fmt.Sprintf(", p99 ≤%.1f×", t.maxP99)
			}
			target += " " + verdict
		}
		nonOK := formatNonOK(fp.NonOK)
		if nonOK == "" {
			nonOK = "0"
		}
		fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%.2f\t%.1f\t%.1f\t%.2f\t%s\t%s\t\n", fp.Path, fp.ZeroRPS, fp.FloorRPS, fp.RPSRatio,
			fp.ZeroP99, fp.FloorP99, fp.P99Ratio, nonOK, target)
	}
	_ = w.Flush() // stdout
	fmt.Println("\nCPU per 2xx answer, µs, by process (all rounds)")
	for _, fp := range paths {
		for _, side := range []string{sideZeromall, sideFloor} {
			byName := fp.CPUPerReq[side]
			names := make([]string, 0, len(byName))
			for name := range byName {
				names = append(names, name)
			}
			slices.SortFunc(names, func(a, b string) int { return int(byName[b]*1000 - byName[a]*1000) })
			var b strings.Builder
			total := 0.0
			for _, name := range names {
				if byName[name] >= 1 {
					fmt.Fprintf(&b, "  %s %.0f", name, byName[name])
				}
				if name != "wrk" {
					total += byName[name]
				}
			}
			fmt.Printf("  %-34s %-8s total %4.0f (without wrk):%s\n", fp.Path, side, total, b.String())
		}
	}
}
