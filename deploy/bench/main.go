// Command bench measures zeromall on a running stack (make bench starts one if needed): the read
// and write paths with wrk, the whole purchase and an overload run with its own open-loop driver,
// and the same figures again with 10k and 1M rows seeded. It prints one table and writes it as
// JSON under .bench/ so runs can be compared. Loopback only, bounded in time and count.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

type row struct {
	Scenario    string  `json:"scenario"`
	Endpoint    string  `json:"endpoint"`
	Connections int     `json:"connections"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P90ms       float64 `json:"p90_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	Note        string  `json:"note,omitempty"`
}

const cooldown = 3 * time.Second

type report struct {
	When     time.Time          `json:"when"`
	Host     string             `json:"host"`
	CPUs     string             `json:"cpus"`
	Rows     []row              `json:"rows,omitempty"`
	Growth   map[string]float64 `json:"growth_ratio_1m_vs_10k,omitempty"`
	Overload []overloadSuite    `json:"overload,omitempty"`
	Floor    []floorPath        `json:"floor,omitempty"`
	RSS      []memorySample     `json:"rss,omitempty"`
}

func main() {
	var (
		duration    = flag.Duration("duration", 5*time.Second, "length of each load run")
		connections = flag.Int("connections", 32, "concurrent connections per run")
		growth      = flag.Bool("growth", true, "also measure with 10k and 1M seeded rows")
		bigRows     = flag.Int("rows", 1_000_000, "rows per table for the large growth step")
		outDir      = flag.String("out", ".bench", "where to write the JSON report")
		suite       = flag.String("suite", "all", "all; overload: only the saturation and overload rounds; growth: only the baseline and growth rows; floor: only the comparison with the hand-wired floor")
		floorRounds = flag.Int("floor-rounds", 3, "rounds per side and path of the floor comparison (0: skip it)")
		floorRound  = flag.Duration("floor-round", 8*time.Second, "length of a floor comparison round")
		floorOnly   = flag.String("floor-path", "", "only the floor comparison's paths containing this, e.g. /me")
		roundLen    = flag.Duration("round", 10*time.Second, "length of a saturation or overload round")
		rounds      = flag.Int("rounds", 4, "saturation rounds per connection count")
		openRate    = flag.Float64("open", 0, "only one open-loop round at this rate (with -path), e.g. to profile it")
		onlyPath    = flag.String("path", "GET /user/v1/me", "the endpoint of the -open round")
	)
	flag.Parse()
	env := newEnv()
	rep := report{When: time.Now().UTC(), CPUs: envOr("BENCH_CPUS", "shared")}
	rep.Host, _ = os.Hostname()

	must(env.prepare())
	progress.planned = plannedRuns(*suite, *floorRounds, *floorOnly, *growth, *rounds, len(env.overloadTargets()))
	overload := func() {
		for _, t := range env.overloadTargets() {
			rep.Overload = append(rep.Overload, runOverload(t, overloadConfig{round: *roundLen, rounds: *rounds}))
		}
	}
	if *openRate > 0 {
		for _, t := range env.overloadTargets() {
			if t.name == *onlyPath {
				r := openLoop(t, fmt.Sprintf("open %.0f/s", *openRate), *openRate, *roundLen, 4096)
				fmt.Println(r.String())
				return
			}
		}
		must(fmt.Errorf("-path %q is not one of the overload targets", *onlyPath))
	}
	// First, on the small fresh databases, before anything trips a breaker.
	if (*suite == "all" || *suite == "floor") && *floorRounds > 0 {
		rep.Floor = env.compareFloor(*floorRounds, *floorRound, *floorOnly)
		if *suite == "floor" {
			printFloor(rep.Floor)
			must(writeJSON(*outDir, rep))
			return
		}
	}
	if *suite == "overload" {
		overload()
		printOverload(rep.Overload)
		must(writeJSON(*outDir, rep))
		return
	}
	run := func(scenario string) []row {
		var rows []row
		for _, endpoint := range endpoints {
			// Let the machine settle between runs: on one small box the load generator and the
			// services share the cores, and the tail of one run's work would skew the next.
			time.Sleep(cooldown)
			rows = append(rows, env.wrk(scenario, endpoint, *connections, *duration))
		}
		for _, r := range rows {
			fmt.Fprintf(os.Stderr, "  %-8s %-40s %8.0f req/s  p99 %.1f ms  errors %d\n", r.Scenario, r.Endpoint, r.RPS, r.P99ms, r.Errors)
		}
		return rows
	}
	memory := func(scenario string) {
		rss, err := residentMemory()
		must(err)
		rep.RSS = append(rep.RSS, memorySample{Scenario: scenario, Bytes: rss})
	}
	step("baseline")
	base := run("baseline")
	rep.Rows = append(rep.Rows, base...)
	purchase := env.purchases(8, *duration)
	rep.Rows = append(rep.Rows, purchase)
	memory("baseline")

	if *growth {
		rep.Growth = map[string]float64{}
		step("growth: 10k rows")
		must(env.seed(10_000))
		small := run("10k")
		step(fmt.Sprintf("growth: %d rows", *bigRows))
		must(env.seed(*bigRows))
		big := run(label(*bigRows))
		memory(label(*bigRows))
		rep.Rows = append(rep.Rows, small...)
		rep.Rows = append(rep.Rows, big...)
		for i := range small {
			rep.Growth[small[i].Endpoint] = big[i].RPS / small[i].RPS
		}
	}

	// Last: overload may trip breakers, which take their 10s window to close again.
	if *suite != "growth" {
		overload()
	}

	printTable(rep)
	printMemory(rep.RSS)
	printOverload(rep.Overload)
	printFloor(rep.Floor)
	must(writeJSON(*outDir, rep))
}

// endpoints are what every scenario measures with wrk. Browsing reads the first page, pages
// starting anywhere in the catalogue and product pages anywhere in it ({cursor} and {id} are drawn
// per request from the whole catalogue, see catalogueSample).
var endpoints = []string{
	"GET /user/v1/me",
	"GET /order/v1/products",
	"GET /order/v1/products?cursor={cursor}",
	"GET /order/v1/products/{id}",
	"POST /order/v1/orders",
}

var began = time.Now()

// step announces a part of the run with the time since the start, so a long run shows where it is.
func step(name string) {
	fmt.Fprintf(os.Stderr, "== [%4.0fs] %s\n", time.Since(began).Seconds(), name)
}

// progress counts the load runs this invocation plans and has started, so each one says how far
// the whole run is.
var progress struct{ started, planned int }

// announce starts one load run.
func announce(what string) {
	progress.started++
	fmt.Fprintf(os.Stderr, "   run %d/%d [%4.0fs] %s\n", progress.started, progress.planned, time.Since(began).Seconds(), what)
}

// plannedRuns is how many load runs main will start with these flags (the -open round aside).
func plannedRuns(suite string, floorRounds int, floorOnly string, growth bool, rounds, overloadTargets int) int {
	floor := 0
	if (suite == "all" || suite == "floor") && floorRounds > 0 {
		for _, c := range floorCases {
			if strings.Contains(c.name(), floorOnly) {
				floor += 2 * floorRounds
			}
		}
	}
	overload := overloadTargets * (3 + 2*rounds + 3) // as runOverload: references, saturation, open loop
	main := len(endpoints) + 1                       // the baseline and the purchases
	if growth {
		main += 2 * len(endpoints)
	}
	switch suite {
	case "floor":
		return floor
	case "overload":
		return overload
	case "growth":
		return main
	}
	return floor + main + overload
}

func label(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

func printTable(rep report) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "scenario\tendpoint\tconns\treq/s\tp50 ms\tp90 ms\tp99 ms\terrors\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t  %s\n", r.Scenario, r.Endpoint, r.Connections, r.RPS, r.P50ms, r.P90ms, r.P99ms, r.Errors, r.Note)
	}
	_ = w.Flush() // stdout
	if len(rep.Growth) > 0 {
		fmt.Println()
		for _, k := range endpoints {
			fmt.Printf("growth (large / 10k req/s): %-44s %.2f\n", k, rep.Growth[k])
		}
	}
}

func writeJSON(dir string, rep report) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(dir, "bench-"+rep.When.Format("20060102-150405")+".json")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		return err
	}
	fmt.Println("\nreport:", name)
	return os.WriteFile(filepath.Join(dir, "latest.json"), b, 0o600)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}
