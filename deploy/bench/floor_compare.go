package main

import (
	"fmt"
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

// floorPaths are the compared requests; orders go to hotProducts products.
var floorPaths = []string{"GET /user/v1/me", "POST /order/v1/orders"}

const hotProducts = 3

// A floorRound is one wrk round of one side.
type floorRound struct {
	Side   string  `json:"side"`
	OK     int     `json:"ok"` // 2xx answers
	Non2xx int     `json:"non_2xx"`
	RPS    float64 `json:"ok_rps"`
	P99ms  float64 `json:"p99_ms"` // of every answer: wrk does not split latency by status
	// CPU is the CPU time each process used during the round, by name ("wrk" is the generator).
	CPU map[string]time.Duration `json:"cpu_ns"`
}

// A floorPath is every round of one request and what they add up to.
type floorPath struct {
	Path      string                        `json:"path"`
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
	for _, path := range floorPaths {
		if !strings.Contains(path, only) {
			continue
		}
		fp := floorPath{Path: path}
		for i := range 2 * rounds {
			side := sideZeromall
			if i%2 == 1 {
				side = sideFloor
			}
			step(fmt.Sprintf("floor comparison: %s, %s, round %d of %d", path, side, i/2+1, rounds))
			time.Sleep(cooldown)
			base := bases[side]["/user/"]
			if strings.Contains(path, " /order/") {
				base = bases[side]["/order/"]
			}
			fp.Rounds = append(fp.Rounds, e.floorRound(side, base, path, pids, d))
		}
		fp.summarise()
		out = append(out, fp)
	}
	return out
}

func (e *env) floorRound(side, base, endpoint string, pids map[string]int, d time.Duration) floorRound {
	before := proc.CPUTimes(pids)
	res := e.runWrk(wrkRun{base: base, endpoint: endpoint, conns: 32, threads: 1, d: d, products: e.productIDs[:hotProducts]})
	after := proc.CPUTimes(pids)
	r := floorRound{Side: side, OK: res.requests - res.row.Errors, Non2xx: res.row.Errors, P99ms: res.row.P99ms,
		CPU: map[string]time.Duration{"wrk": res.cpu}}
	r.RPS = float64(r.OK) / res.seconds
	for name, t := range after {
		if used := t - before[name]; used > 0 {
			r.CPU[name] = used
		}
	}
	fmt.Fprintf(os.Stderr, "  %-8s %-22s %7.0f ok/s  p99 %6.1f ms  non-2xx %d\n", side, endpoint, r.RPS, r.P99ms, r.Non2xx)
	return r
}

func (fp *floorPath) summarise() {
	ok := map[string]int{}
	secs := map[string]float64{}
	p99 := map[string][]float64{}
	cpu := map[string]map[string]time.Duration{}
	for _, r := range fp.Rounds {
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
var floorTargets = map[string]struct{ minRPS, maxP99 float64 }{
	"GET /user/v1/me":       {minRPS: 0.85},
	"POST /order/v1/orders": {minRPS: 0.9, maxP99: 1.2},
}

func printFloor(paths []floorPath) {
	if len(paths) == 0 {
		return
	}
	fmt.Println("\nbeside the hand-wired floor (wrk -t1 -c32, alternating rounds, 2xx only; generator on the same CPUs unless CPUS=separate)")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "path\tzeromall ok/s\tfloor ok/s\tratio\tzeromall p99 ms\tfloor p99 ms\tp99 ratio\ttarget\t")
	for _, fp := range paths {
		t := floorTargets[fp.Path]
		verdict := "met"
		if fp.RPSRatio < t.minRPS || (t.maxP99 > 0 && fp.P99Ratio > t.maxP99) {
			verdict = "MISSED"
		}
		target := fmt.Sprintf("≥%.2f", t.minRPS)
		if t.maxP99 > 0 {
			target += fmt.Sprintf(", p99 ≤%.1f×", t.maxP99)
		}
		fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%.2f\t%.1f\t%.1f\t%.2f\t%s %s\t\n", fp.Path, fp.ZeroRPS, fp.FloorRPS, fp.RPSRatio,
			fp.ZeroP99, fp.FloorP99, fp.P99Ratio, target, verdict)
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
			fmt.Printf("  %-22s %-8s total %4.0f (without wrk):%s\n", fp.Path, side, total, b.String())
		}
	}
}
