package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"zeromall/deploy/internal/proc"
)

// haDir is where deploy/scripts/run-ha.sh keeps each process's launcher and pid.
const haDir = ".run/ha"

// fault is one thing to break and put back. restore returns once the broken part has been
// started again; recovered then polls until it serves again. takenOver, when set, tells during
// the hold whether the rest of the system has taken the broken part's work over (a failover).
type fault struct {
	name      string
	inject    func(ctx context.Context) error
	restore   func(ctx context.Context) error
	recovered func(ctx context.Context) bool
	takenOver func(ctx context.Context) bool
	// minHold, when set, is the shortest hold that shows what the fault is about (a lease that
	// must run out, a slow link's backlog).
	minHold time.Duration
}

func pidOf(name string) (int, error) {
	pid, err := proc.ReadPid(filepath.Join(haDir, "pids", name+".pid"))
	if err != nil {
		return 0, fmt.Errorf("pid of %s: %w", name, err)
	}
	return pid, nil
}

func signalProcess(name string, sig syscall.Signal) error {
	pid, err := pidOf(name)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("signal %s (%d): %w", name, pid, err)
	}
	return nil
}

// stopped waits until name's process is gone.
func stopped(ctx context.Context, name string) error {
	pid, err := pidOf(name)
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) || zombie(pid) {
			return nil // gone (a zombie waits only for its parent to reap it)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return ctx.Err()
}

func zombie(pid int) bool {
	f := proc.Stat(pid)
	return len(f) > 0 && f[0] == "Z"
}

// launch starts name again with its launcher, in its own session, as run-ha.sh did.
func launch(name string) error {
	cmd := exec.Command(filepath.Join(haDir, "launch", name))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("launch %s: %w", name, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func httpOK(url string) bool {
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// devPort is an instance's dev server port, as run-ha.sh assigns them.
func devPort(service string, instance string) int {
	base := map[string]int{"user-api": 6470, "user-rpc": 6471, "order-api": 6472, "order-rpc": 6473,
		"payment-api": 6474, "payment-rpc": 6475}[service]
	if instance == "b" {
		base += 100
	}
	return base
}

// killInstance SIGKILLs instance a of a service; it is back once healthy. A gateway is back when
// HAProxy sends it requests again, a server when it is healthy (gateways find it through etcd).
func killInstance(service string) fault {
	name := service + "-a"
	return fault{
		name:   "kill " + name,
		inject: func(ctx context.Context) error { return killAndWait(ctx, name) },
		restore: func(context.Context) error {
			return launch(name)
		},
		recovered: func(context.Context) bool {
			return httpOK(fmt.Sprintf("http://127.0.0.1:%d/healthz", devPort(service, "a")))
		},
	}
}

func killAndWait(ctx context.Context, name string) error {
	if err := signalProcess(name, syscall.SIGKILL); err != nil {
		return err
	}
	return stopped(ctx, name)
}

func killEtcdMember() fault {
	return fault{
		name:      "kill etcd-1",
		inject:    func(ctx context.Context) error { return killAndWait(ctx, "etcd-1") },
		restore:   func(context.Context) error { return launch("etcd-1") },
		recovered: func(context.Context) bool { return etcdHealthy(1) },
	}
}

func redisCLI(ctx context.Context, port int, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "redis-cli", append([]string{"-p", strconv.Itoa(port)}, args...)...).Output()
	return string(out), err
}

// aMaster finds a Redis Cluster master that serves slots, by asking each node in turn.
func aMaster(ctx context.Context) (int, error) {
	for port := 7001; port <= 7006; port++ {
		out, err := redisCLI(ctx, port, "cluster", "nodes")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) > 8 && strings.Contains(f[2], "master") && !strings.Contains(f[2], "fail") && f[7] == "connected" {
				addr := strings.SplitN(f[1], "@", 2)[0]
				p, err := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
				if err == nil {
					return p, nil
				}
			}
		}
	}
	return 0, errors.New("no Redis master with slots found")
}

func clusterOK(ctx context.Context) bool {
	for port := 7001; port <= 7006; port++ {
		out, err := redisCLI(ctx, port, "cluster", "info")
		if err != nil || !strings.Contains(out, "cluster_state:ok") {
			return false
		}
	}
	return true
}

func killRedisMaster() fault {
	var (
		name, id string
		port     int
	)
	return fault{
		name: "kill a redis master",
		inject: func(ctx context.Context) error {
			var err error
			if port, err = aMaster(ctx); err != nil {
				return err
			}
			out, err := redisCLI(ctx, port, "cluster", "myid")
			if err != nil {
				return fmt.Errorf("id of redis %d: %w", port, err)
			}
			id, name = strings.TrimSpace(out), fmt.Sprintf("redis-%d", port)
			return killAndWait(ctx, name)
		},
		// its replica was promoted: another node reports it failed and holding no slots
		takenOver: func(ctx context.Context) bool {
			survivor := 7001
			if port == survivor {
				survivor = 7002
			}
			out, err := redisCLI(ctx, survivor, "cluster", "nodes")
			if err != nil {
				return false
			}
			for _, line := range strings.Split(out, "\n") {
				if f := strings.Fields(line); len(f) >= 8 && f[0] == id {
					return strings.Contains(f[2], "fail") && !strings.Contains(f[2], "fail?") && len(f) == 8
				}
			}
			return false
		},
		restore: func(context.Context) error { return launch(name) },
		// back when every node, the restarted one (now a replica of its successor) included,
		// sees a healthy cluster
		recovered: clusterOK,
	}
}
