package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Partitions and gray failures: parts that keep running but cannot reach some of the others, and
// a link that is slow and loses packets.

// Ports of run-ha.sh: etcd member i serves clients on i2379 and its peers on i2380.
var etcdClientPorts = []int{12379, 22379, 32379}

func etcdHealthy(member int) bool {
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d2379/health", member))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var b [64]byte
	n, _ := resp.Body.Read(b[:])
	return strings.Contains(string(b[:n]), `"health":"true"`)
}

// partitionEtcdMember cuts member 1 off from the other two; clients still reach all three.
func partitionEtcdMember() fault {
	return fault{
		name:      "partition etcd-1",
		inject:    func(ctx context.Context) error { return isolate(ctx, "etcd-1", []int{12380}, []int{22380, 32380}) },
		restore:   heal,
		recovered: func(context.Context) bool { return etcdHealthy(1) },
	}
}

// registered reports whether addr is among the addresses etcd holds for an rpc service's key, as
// the gateways' discovery reads them (asked of member 2: member 1 may be the one cut off).
func registered(ctx context.Context, key, addr string) (bool, error) {
	body, _ := json.Marshal(map[string]string{
		"key":       base64.StdEncoding.EncodeToString([]byte(key + "/")),
		"range_end": base64.StdEncoding.EncodeToString([]byte(key + "0")),
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:22379/v3/kv/range", bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var out struct {
		Kvs []struct {
			Value []byte `json:"value"` // base64 in JSON, decoded by encoding/json
		} `json:"kvs"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return false, fmt.Errorf("read etcd's %s keys: %w", key, err)
	}
	for _, kv := range out.Kvs {
		if string(kv.Value) == addr {
			return true, nil
		}
	}
	return false, nil
}

// cutFromEtcd cuts order-rpc's instance a off from every etcd member: its registration's lease
// runs out, the gateways stop sending it calls, and it registers again once etcd is back.
func cutFromEtcd() fault {
	const name, key, addr = "order-rpc-a", "order.rpc", "127.0.0.1:9002"
	listed := func(ctx context.Context) bool { ok, err := registered(ctx, key, addr); return err == nil && ok }
	return fault{
		name:      "cut order-rpc-a from etcd",
		minHold:   15 * time.Second, // above the 10 s lease of its registration
		inject:    func(ctx context.Context) error { return cut(ctx, append(from(name), tcpPorts(etcdClientPorts...)...)) },
		takenOver: func(ctx context.Context) bool { ok, err := registered(ctx, key, addr); return err == nil && !ok },
		restore:   heal,
		recovered: listed,
	}
}

// cutFromMySQL cuts order-rpc's instance a off from the MySQL link while gateways still reach it:
// its readiness check fails, it tells the balancers it is not serving (taken over), and it serves
// again once the link is back (recovered).
func cutFromMySQL() fault {
	const name = "order-rpc-a"
	return fault{
		name:      "cut order-rpc-a from mysql",
		inject:    func(ctx context.Context) error { return cut(ctx, append(from(name), tcpPorts(mysqlLinkPort)...)) },
		takenOver: func(ctx context.Context) bool { ok, err := serving(ctx, name); return err == nil && !ok },
		restore:   heal,
		recovered: func(ctx context.Context) bool { ok, err := serving(ctx, name); return err == nil && ok },
	}
}

// partitionRedisMaster cuts a Redis Cluster master off from the cluster bus (its replicas and
// the other masters) while clients still reach it: the majority fails it over to its replica, and
// it becomes a replica of that one once the bus heals. Writes it took meanwhile are lost.
func partitionRedisMaster() fault {
	var port int
	return fault{
		name: "partition a redis master",
		inject: func(ctx context.Context) error {
			var err error
			if port, err = aMaster(ctx); err != nil {
				return err
			}
			var others []int
			for p := 7001; p <= 7006; p++ {
				if p != port {
					others = append(others, p+10000)
				}
			}
			return isolate(ctx, fmt.Sprintf("redis-%d", port), []int{port + 10000}, others)
		},
		restore:   heal,
		recovered: clusterOK,
	}
}

// The MySQL link: services reach the writer port through Toxiproxy, whose API adds latency.
const (
	mysqlLinkPort = 3310
	toxiproxyAPI  = "http://127.0.0.1:8474"
)

func toxiproxy(ctx context.Context, method, path string, body any) error {
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, toxiproxyAPI+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("toxiproxy %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("toxiproxy %s %s: %s", method, path, resp.Status)
	}
	return nil
}

// slowLink delays every answer on the MySQL link by 200 ms and drops 10 % of its packets (both
// ways) for at least 20 s. Meanwhile it samples the rpc servers' goroutines and database
// connections and prints their peaks.
func slowLink() fault {
	var stopSampling func() peaks
	return fault{
		name:    "slow mysql link",
		minHold: 20 * time.Second,
		inject: func(ctx context.Context) error {
			if err := toxiproxy(ctx, http.MethodPost, "/proxies/mysql/toxics", map[string]any{
				"name": "latency", "type": "latency", "stream": "downstream", "attributes": map[string]int{"latency": 200},
			}); err != nil {
				return err
			}
			loss := append(tcpPorts(mysqlLinkPort), "-m", "statistic", "--mode", "random", "--probability", "0.1")
			if err := cut(ctx, loss); err != nil {
				return err
			}
			stopSampling = sampleServers(ctx)
			return nil
		},
		restore: func(ctx context.Context) error {
			p := stopSampling()
			fmt.Printf("    peak while slow, per rpc instance: goroutines %s; database connections %s\n", p.goroutines, p.conns)
			if err := heal(ctx); err != nil {
				return err
			}
			return toxiproxy(ctx, http.MethodDelete, "/proxies/mysql/toxics/latency", nil)
		},
		recovered: func(context.Context) bool { return true }, // the link is back at once; the throughput line tells the rest
	}
}

// peaks holds the highest readings per rpc instance, printed as name=value pairs.
type peaks struct{ goroutines, conns string }

var rpcInstances = []string{"user-rpc-a", "user-rpc-b", "order-rpc-a", "order-rpc-b", "payment-rpc-a", "payment-rpc-b"}

// sampleServers reads every rpc instance's /metrics every 250 ms until the returned function is
// called, which returns the peaks.
func sampleServers(ctx context.Context) func() peaks {
	ctx, cancel := context.WithCancel(ctx)
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		goroutines, conns = map[string]float64{}, map[string]float64{}
	)
	wg.Go(func() {
		every(ctx, 250*time.Millisecond, func() {
			for _, inst := range rpcInstances {
				g, c, ok := serverGauges(ctx, inst)
				if !ok {
					continue
				}
				mu.Lock()
				goroutines[inst] = max(goroutines[inst], g)
				conns[inst] = max(conns[inst], c)
				mu.Unlock()
			}
		})
	})
	return func() peaks {
		cancel()
		wg.Wait()
		return peaks{goroutines: pairs(goroutines), conns: pairs(conns)}
	}
}

func pairs(m map[string]float64) string {
	var b strings.Builder
	for _, inst := range rpcInstances {
		fmt.Fprintf(&b, " %s=%.0f", inst, m[inst])
	}
	return strings.TrimSpace(b.String())
}

// serverGauges reads an rpc instance's goroutines and its open database connections (in use and
// idle, over all its databases).
func serverGauges(ctx context.Context, instance string) (goroutines, conns float64, ok bool) {
	m, ok := readMetrics(ctx, instance)
	return m["go_goroutines"], m["sql_client_in_use_connections"] + m["sql_client_idle_connections"], ok
}

// readMetrics reads an instance's dev server /metrics, each name's series summed.
func readMetrics(ctx context.Context, instance string) (map[string]float64, bool) {
	svc, inst := instance[:len(instance)-2], instance[len(instance)-1:]
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/metrics", devPort(svc, inst)), nil)
	if err != nil {
		return nil, false
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		name, rest, _ := strings.Cut(line, " ")
		if i := strings.IndexByte(line, '{'); i >= 0 {
			name = line[:i]
			rest = line[strings.LastIndexByte(line, ' ')+1:]
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64); err == nil {
			m[name] += v
		}
	}
	return m, sc.Err() == nil
}

// serving reports whether an rpc instance tells callers' balancers it is serving.
func serving(ctx context.Context, instance string) (bool, error) {
	m, ok := readMetrics(ctx, instance)
	v, found := m["zeromall_rpc_serving"]
	if !ok || !found {
		return false, fmt.Errorf("read %s's zeromall_rpc_serving", instance)
	}
	return v == 1, nil
}

// natsHealthy reports whether NATS node i of run-ha.sh (monitoring on i8222) serves JetStream.
func natsHealthy(node int) bool {
	return httpOK(fmt.Sprintf("http://127.0.0.1:%d8222/healthz?js-enabled-only=true", node))
}

// killNATSNode SIGKILLs JetStream node 1: the streams (three replicas) go on on the other two, and
// the services' connections move to them.
func killNATSNode() fault {
	return fault{
		name:      "kill nats-1",
		inject:    func(ctx context.Context) error { return killAndWait(ctx, "nats-1") },
		restore:   func(context.Context) error { return launch("nats-1") },
		recovered: func(context.Context) bool { return natsHealthy(1) },
	}
}

// partitionNATSNode cuts JetStream node 1 off from its two peers (routes on i6222); clients still
// reach it, and it serves them only through a quorum it no longer has.
func partitionNATSNode() fault {
	return fault{
		name:      "partition nats-1",
		inject:    func(ctx context.Context) error { return isolate(ctx, "nats-1", []int{16222}, []int{26222, 36222}) },
		restore:   heal,
		recovered: func(context.Context) bool { return natsHealthy(1) },
	}
}
