package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// memorySample is each service's VmRSS in bytes at the end of one scenario's load runs.
type memorySample struct {
	Scenario string           `json:"scenario"`
	Bytes    map[string]int64 `json:"bytes"`
}

// services are the processes whose memory the report follows, by their pid files in .run/pids.
var services = []string{"user-rpc", "order-rpc", "payment-rpc", "user-api", "order-api", "payment-api"}

// residentMemory reads each service's VmRSS in bytes, from the pid files the stack's script wrote.
func residentMemory() (map[string]int64, error) {
	out := map[string]int64{}
	for _, name := range services {
		raw, err := os.ReadFile(filepath.Join(".run", "pids", name+".pid"))
		if err != nil {
			return nil, err
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil {
			return nil, fmt.Errorf("%s: pid file: %w", name, err)
		}
		rss, err := vmRSS(pid)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = rss
	}
	return out, nil
}

func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), 10, 64)
			return n * 1024, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// printMemory prints each service's resident memory after each scenario's load runs.
func printMemory(samples []memorySample) {
	if len(samples) == 0 {
		return
	}
	fmt.Printf("\nresident memory (VmRSS, MB) at the end of each scenario's runs\n%-12s", "process")
	for _, m := range samples {
		fmt.Printf(" %10s", m.Scenario)
	}
	fmt.Println()
	for _, name := range services {
		fmt.Printf("%-12s", name)
		for _, m := range samples {
			fmt.Printf(" %10.1f", float64(m.Bytes[name])/1e6)
		}
		fmt.Println()
	}
}
