package main

import (
	"fmt"
	"os"
	"time"
)

// overloadSuite measures one path saturated and overloaded (doc/performance.md):
//   - reference: closed loop at 4, 8 and 16 connections; the best round without a rejection sets
//     the sustainable rate and the unloaded p99;
//   - saturation: closed loop, rounds back to back at 32 and then 128 connections;
//   - overload: open loop at 2×, 4× and 8× the sustainable rate.
type overloadSuite struct {
	Path        string  `json:"path"`
	Reference   []round `json:"reference"`
	Saturation  []round `json:"saturation"`
	Overload    []round `json:"overload"`
	Sustainable float64 `json:"sustainable_rps"`
	UnloadedP99 float64 `json:"unloaded_p99_ms"`
}

// pause separates rounds just enough for the sockets of the last one to close.
const pause = time.Second

type overloadConfig struct {
	round  time.Duration // length of a saturation or overload round
	rounds int           // saturation rounds per connection count
}

func (e *env) overloadTargets() []target {
	var bodies []string
	for _, id := range e.productIDs {
		bodies = append(bodies, fmt.Sprintf(`{"items":[{"productId":%d,"quantity":1}]}`, id))
	}
	return []target{
		newTarget("GET /user/v1/me", e.userAPI+"/user/v1/me", "GET", e.token, nil),
		newTarget("POST /order/v1/orders", e.orderAPI+"/order/v1/orders", "POST", e.token, bodies),
	}
}

func runOverload(t target, cfg overloadConfig) overloadSuite {
	s := overloadSuite{Path: t.name}
	say := func(r round) { fmt.Fprintf(os.Stderr, "  %s\n", r.String()) }
	step("overload: " + t.name)
	var best *round
	for _, c := range []int{4, 8, 16} {
		time.Sleep(pause)
		r := closedLoop(t, fmt.Sprintf("reference c%d", c), c, cfg.round/2)
		say(r)
		s.Reference = append(s.Reference, r)
	}
	for i := range s.Reference {
		r := &s.Reference[i]
		if r.Rejected == 0 && r.Errors == 0 && (best == nil || r.Goodput > best.Goodput) {
			best = r
		}
	}
	if best == nil {
		best = &s.Reference[0]
	}
	s.Sustainable, s.UnloadedP99 = best.Goodput, best.P99ms
	for _, c := range []int{32, 128} {
		time.Sleep(pause)
		for i := range cfg.rounds {
			r := closedLoop(t, fmt.Sprintf("closed c%d round %d", c, i+1), c, cfg.round)
			say(r)
			s.Saturation = append(s.Saturation, r)
		}
	}
	for _, k := range []float64{2, 4, 8} {
		time.Sleep(pause)
		r := openLoop(t, fmt.Sprintf("open %.0fx (%.0f/s)", k, k*s.Sustainable), k*s.Sustainable, cfg.round, 4096)
		say(r)
		s.Overload = append(s.Overload, r)
	}
	return s
}

// verdict compares a suite with the overload targets: every saturated round's goodput ≥ 85 % of the
// sustainable rate; under open-loop overload, goodput ≥ 85 % and accepted p99 ≤ 2× unloaded.
func (s overloadSuite) verdict() []string {
	var out []string
	for _, r := range s.Saturation {
		if ratio := r.Goodput / s.Sustainable; ratio < 0.85 {
			out = append(out, fmt.Sprintf("%s: %s goodput %.0f%% of sustainable", s.Path, r.Label, 100*ratio))
		}
	}
	for _, r := range s.Overload {
		if ratio := r.Goodput / s.Sustainable; ratio < 0.85 {
			out = append(out, fmt.Sprintf("%s: %s goodput %.0f%% of sustainable", s.Path, r.Label, 100*ratio))
		}
		if r.P99ms > 2*s.UnloadedP99 {
			out = append(out, fmt.Sprintf("%s: %s accepted p99 %.1f ms > 2× unloaded %.1f ms", s.Path, r.Label, r.P99ms, s.UnloadedP99))
		}
	}
	return out
}

func printOverload(suites []overloadSuite) {
	for _, s := range suites {
		fmt.Printf("\n%s — sustainable %.0f req/s, unloaded p99 %.2f ms (best reference round)\n", s.Path, s.Sustainable, s.UnloadedP99)
		fmt.Printf("| round | goodput/s | %% of sustainable | rejected/s | accepted p50 ms | accepted p99 ms |\n|---|---|---|---|---|---|\n")
		for _, group := range [][]round{s.Reference, s.Saturation, s.Overload} {
			for _, r := range group {
				fmt.Printf("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |\n", r.Label, r.Goodput, 100*r.Goodput/s.Sustainable, r.RejectRPS, r.P50ms, r.P99ms)
			}
		}
		if v := s.verdict(); len(v) > 0 {
			for _, line := range v {
				fmt.Println("  below target:", line)
			}
		} else {
			fmt.Println("  every round within the overload targets")
		}
	}
}
