// Command footprint measures what each zeromall process costs to start and to keep idle (make
// footprint): with MySQL, Redis and etcd already up, it starts the six binaries in bin/ (built by
// make build with deploy/build.env's tags) the way make run does, rpcs first, and times each from
// exec to ready: gRPC health SERVING for an rpc (over mutual TLS, as its gateway asks), /healthz
// 200 on the dev port for a gateway. Once all six serve and have idled, it reads each one's memory:
// VmRSS split into file-backed pages (the binary's code and data) and anonymous ones (heap,
// stacks, runtime), and the Go runtime's own view from the dev server's /metrics. Then it stops
// them and starts again, -rounds times, and prints medians.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"zeromall/pkg/rpcauth"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// process is one binary as make run starts it.
type process struct {
	name    string // user-rpc
	port    int    // gRPC or HTTP
	devPort int
}

func (p process) rpc() bool { return strings.HasSuffix(p.name, "-rpc") }

// Rpcs first: gateways find them through etcd.
var processes = []process{
	{"user-rpc", 9001, 6471}, {"order-rpc", 9002, 6473}, {"payment-rpc", 9003, 6475},
	{"user-api", 8888, 6470}, {"order-api", 8889, 6472}, {"payment-api", 8890, 6474},
}

// sample is one process in one round.
type sample struct {
	start                 time.Duration
	rss, file, anon       int64 // bytes, from /proc/<pid>/status
	heapInuse, stackInuse int64 // bytes, from the Go runtime
	goroutines            int64
}

func main() {
	rounds := flag.Int("rounds", 5, "starts of the whole stack")
	idle := flag.Duration("idle", 5*time.Second, "how long the stack idles before its memory is read")
	flag.Parse()
	if err := run(*rounds, *idle); err != nil {
		fmt.Fprintln(os.Stderr, "footprint:", err)
		os.Exit(1)
	}
}

func run(rounds int, idle time.Duration) error {
	for _, p := range processes {
		if _, err := os.Stat(binary(p)); err != nil {
			return fmt.Errorf("%w: make build first", err)
		}
		if err := dial(fmt.Sprintf("127.0.0.1:%d", p.devPort)); err == nil {
			return fmt.Errorf("port %d already serves (%s): make stop first", p.devPort, p.name)
		}
	}
	samples := map[string][]sample{}
	for r := 1; r <= rounds; r++ {
		got, err := round(idle)
		if err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		for name, s := range got {
			samples[name] = append(samples[name], s)
		}
		fmt.Fprintf(os.Stderr, "round %d/%d done\n", r, rounds)
	}
	fmt.Printf("%d starts each; MySQL, Redis and etcd already up; this machine's cores shared by all six and the databases\n", rounds)
	fmt.Printf("%-12s %22s %9s %9s %9s %9s %9s %6s\n", "process", "exec→ready ms med (min–max)", "VmRSS MB", "file MB", "anon MB", "heap MB", "stacks MB", "gorout")
	for _, p := range processes {
		ss := samples[p.name]
		starts := field(ss, func(s sample) float64 { return float64(s.start.Microseconds()) / 1000 })
		mb := func(f func(sample) int64) float64 {
			return median(field(ss, func(s sample) float64 { return float64(f(s)) / 1e6 }))
		}
		fmt.Printf("%-12s %8.0f (%4.0f–%4.0f)        %9.1f %9.1f %9.1f %9.1f %9.1f %6.0f\n", p.name,
			median(starts), slices.Min(starts), slices.Max(starts),
			mb(func(s sample) int64 { return s.rss }), mb(func(s sample) int64 { return s.file }),
			mb(func(s sample) int64 { return s.anon }), mb(func(s sample) int64 { return s.heapInuse }),
			mb(func(s sample) int64 { return s.stackInuse }),
			median(field(ss, func(s sample) float64 { return float64(s.goroutines) })))
	}
	return nil
}

// round starts every process, waits until each is ready, lets them idle, reads their memory and
// stops them.
func round(idle time.Duration) (map[string]sample, error) {
	var cmds []*exec.Cmd
	defer func() {
		for _, c := range cmds {
			_ = c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			_ = c.Wait()
		}
	}()
	out := map[string]sample{}
	for _, p := range processes {
		//nolint:gosec // the service binaries make build wrote to bin/
		cmd := exec.CommandContext(context.Background(), binary(p), "-f", fmt.Sprintf("apps/%s/%s/etc/%s.yaml", service(p), kind(p), p.name))
		cmd.Env = append(os.Environ(), "ZEROMALL_ENV=development", "ZEROMALL_PPROF=true")
		log, err := os.CreateTemp("", "footprint-"+p.name+"-*.log")
		if err != nil {
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = log, log
		began := time.Now()
		err = cmd.Start()
		if cerr := log.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, cmd)
		if err := waitReady(p, 60*time.Second); err != nil {
			return nil, fmt.Errorf("%s: %w (log: %s)", p.name, err, log.Name())
		}
		out[p.name] = sample{start: time.Since(began)}
	}
	time.Sleep(idle)
	for i, p := range processes {
		s := out[p.name]
		if err := readStatus(cmds[i].Process.Pid, &s); err != nil {
			return nil, err
		}
		if err := readRuntime(p, &s); err != nil {
			return nil, err
		}
		out[p.name] = s
	}
	return out, nil
}

func waitReady(p process, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	check := gatewayReady
	if p.rpc() {
		check = rpcReady
	}
	for time.Now().Before(deadline) {
		if err := check(p); err == nil {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return errors.New("not ready within " + limit.String())
}

func gatewayReady(p process) error {
	_, err := get(fmt.Sprintf("http://127.0.0.1:%d/healthz", p.devPort))
	return err
}

// get returns the body of a 200 answer to a GET of url, within a second.
func get(url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// dial returns nil when something accepts TCP connections on addr.
func dial(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

// rpcReady asks the server's gRPC health as its gateway does: with the gateway's development
// identity, which the server's policy allows to ask.
func rpcReady(p process) error {
	addr := fmt.Sprintf("127.0.0.1:%d", p.port)
	if err := dial(addr); err != nil {
		return err
	}
	id, err := rpcauth.DevIdentity(service(p) + "-api")
	if err != nil {
		return err
	}
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(id.ClientCredentials(p.name)))
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return err
	}
	if resp.Status != healthpb.HealthCheckResponse_SERVING {
		return errors.New(resp.Status.String())
	}
	return nil
}

// readStatus reads VmRSS and its file-backed and anonymous parts.
func readStatus(pid int, s *sample) error {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err
	}
	defer f.Close()
	fields := map[string]*int64{"VmRSS:": &s.rss, "RssFile:": &s.file, "RssAnon:": &s.anon}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) == 3 && fields[parts[0]] != nil {
			kb, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil {
				return err
			}
			*fields[parts[0]] = kb * 1024
		}
	}
	return sc.Err()
}

// readRuntime reads the Go runtime's heap and stack use from the dev server's Prometheus metrics.
func readRuntime(p process, s *sample) error {
	body, err := get(fmt.Sprintf("http://127.0.0.1:%d/metrics", p.devPort))
	if err != nil {
		return err
	}
	fields := map[string]*int64{"go_memstats_heap_inuse_bytes": &s.heapInuse, "go_memstats_stack_inuse_bytes": &s.stackInuse, "go_goroutines": &s.goroutines}
	for line := range strings.Lines(string(body)) {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if target := fields[name]; ok && target != nil {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return err
			}
			*target = int64(v)
		}
	}
	return nil
}

func binary(p process) string  { return filepath.Join("bin", p.name) }
func service(p process) string { return strings.Split(p.name, "-")[0] }
func kind(p process) string    { return strings.Split(p.name, "-")[1] }

func field(ss []sample, f func(sample) float64) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
