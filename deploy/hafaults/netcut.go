package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Partitions drop packets on the loopback with iptables, in a chain of their own that OUTPUT jumps
// to. A rule names a process by its cgroup (v2): run-ha.sh starts every process in its own, so a
// cut process keeps running and serving everyone the rule does not name, as a host behind a
// broken link would. (tc netem, the usual tool, is not in every kernel here; see doc/scaling.md.)
const chain = "ZEROMALL-HA"

func iptables(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "iptables", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// cgroupsReady tells why partitions cannot run, if they cannot: run-ha.sh records the cgroup
// root it started the processes in only when it could (as root, with cgroup v2).
func cgroupsReady() error {
	if _, err := os.Stat(filepath.Join(haDir, "cgroups")); err != nil {
		return errors.New("run-ha.sh started no process in a cgroup of its own (run it as root, on a machine with cgroup v2)")
	}
	if _, err := exec.LookPath("iptables"); err != nil {
		return errors.New("partitions need iptables")
	}
	return nil
}

// ensureChain creates the chain and its jump from OUTPUT, once.
func ensureChain(ctx context.Context) error {
	if err := cgroupsReady(); err != nil {
		return err
	}
	if iptables(ctx, "-nL", chain) != nil {
		if err := iptables(ctx, "-N", chain); err != nil {
			return err
		}
	}
	if iptables(ctx, "-C", "OUTPUT", "-j", chain) != nil {
		return iptables(ctx, "-I", "OUTPUT", "-j", chain)
	}
	return nil
}

// removeChain takes every rule and the chain away (make stop does too, if the run was cut short).
func removeChain(ctx context.Context) {
	if iptables(ctx, "-nL", chain) != nil {
		return
	}
	_ = iptables(ctx, "-D", "OUTPUT", "-j", chain)
	_ = iptables(ctx, "-F", chain)
	_ = iptables(ctx, "-X", chain)
}

// rule is one iptables match whose packets are dropped.
type rule []string

// from matches packets sent by the named run-ha process.
func from(process string, match ...string) rule {
	return append(rule{"-m", "cgroup", "--path", "zeromall-ha/" + process}, match...)
}

// tcpPorts matches TCP packets from or to any of the ports.
func tcpPorts(ports ...int) rule {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return rule{"-p", "tcp", "-m", "multiport", "--ports", strings.Join(s, ",")}
}

// cut drops every packet matching any of the rules until heal.
func cut(ctx context.Context, rules ...rule) error {
	if err := ensureChain(ctx); err != nil {
		return err
	}
	for _, r := range rules {
		if err := iptables(ctx, append(append([]string{"-A", chain}, r...), "-j", "DROP")...); err != nil {
			_ = heal(ctx)
			return err
		}
	}
	return nil
}

// heal removes every rule.
func heal(ctx context.Context) error {
	return iptables(ctx, "-F", chain)
}

// isolate cuts a process off from the given peers' ports, both ways: nothing reaches its own
// ports (connections to it), and nothing it sends reaches theirs.
func isolate(ctx context.Context, process string, own, peers []int) error {
	return cut(ctx, tcpPorts(own...), append(from(process), tcpPorts(peers...)...))
}
