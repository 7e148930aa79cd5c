// Package k8scheck proves deploy/k8s on a real Kubernetes cluster (make test-k8s, on the cluster of
// make k8s-up): every manifest through the API server's admission with --dry-run=server, the
// manifests applied as deploy/k8s/README.md tells a user (deploy/k8s/cluster/apply.sh), a whole
// purchase through the gateways' Services and its trace in Jaeger, a rolling update of every Deployment and deleted pods
// under a steady load of purchases with nothing acknowledged lost (a NATS node among them), an
// eviction refused by a PodDisruptionBudget, the HorizontalPodAutoscaler scaling order-api on
// metrics-server's CPU figures, and whether the cluster's network enforces the NetworkPolicies. Every step logs a
// "k8s:" line with its duration.
package k8scheck

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/testkit"
)

const ns = "zeromall"

var processes = []string{"user-rpc", "order-rpc", "payment-rpc", "user-api", "order-api", "payment-api"}

func logf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("k8s: "+format, args...)
}

func TestKubernetes_ManifestsRunOnARealCluster(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil || os.Getenv("KUBECONFIG") == "" {
		t.Fatal("no cluster: run make test-k8s (it starts make k8s-up's cluster and sets KUBECONFIG and PATH)")
	}
	root := testkit.RepoRoot(t)
	s := &shop{}
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"every manifest passes kubectl apply --dry-run=server", func(t *testing.T) { dryRun(t, root) }},
		{"apply as deploy/k8s/README.md says; six Deployments available with 2 ready replicas", func(t *testing.T) { deploy(t, root, s) }},
		{"one whole purchase through the gateways' Services", func(t *testing.T) { onePurchase(t, s) }},
		{"a purchase's trace in Jaeger (zeromall-engines' otlp-endpoint): all six processes, connected", func(t *testing.T) { tracedPurchase(t, s) }},
		{"rolling update of every Deployment under load: no failed request, nothing lost", func(t *testing.T) { rollingUpdate(t, s) }},
		{"kubectl delete pod of an order-rpc and a user-api under load: nothing lost", func(t *testing.T) { deletePods(t, s) }},
		{"kubectl delete pod of a NATS node under load: no request fails, every paid order paid", func(t *testing.T) { deleteBrokerPod(t, s) }},
		{"an eviction that would break a PodDisruptionBudget is refused", evictions},
		{"the HorizontalPodAutoscaler scales order-api up on metrics-server's CPU", func(t *testing.T) { autoscale(t, s) }},
		{"the cluster DNS resolves a Service; NetworkPolicies applied, enforced only if the network plugin can", networkPolicies},
		{"restart counts", restarts},
	}
	for _, st := range steps {
		start := time.Now()
		ok := t.Run(st.name, st.run)
		logf(t, "%-90s %6.1f s", st.name, time.Since(start).Seconds())
		if !ok {
			dumpState(t)
			t.FailNow()
		}
	}
}

func manifests(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "deploy/k8s/*.yaml"))
	if err != nil || len(files) != 7 {
		t.Fatalf("deploy/k8s has %d manifests (%v), want engines.yaml and six processes", len(files), err)
	}
	return files
}

// dryRun sends every manifest through the API server's admission, validation and defaulting
// without storing anything.
func dryRun(t *testing.T, root string) {
	must(t, "create", "namespace", "zeromall-dryrun")
	defer must(t, "delete", "namespace", "zeromall-dryrun", "--wait=false")
	for _, f := range manifests(t, root) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, warnings, err := kubectlWarn(ctx, nil, "apply", "--dry-run=server", "-n", "zeromall-dryrun", "-f", f)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		// A warning (a deprecated field, a policy the object would break) is a defect too.
		for _, w := range warnings {
			t.Errorf("%s: the API server warns: %s", filepath.Base(f), w)
		}
		logf(t, "dry-run %s: %d objects admitted, %d warnings", filepath.Base(f), strings.Count(out, "(server dry run)"), len(warnings))
	}
}

func deploy(t *testing.T, root string, s *shop) {
	cmd := exec.Command(filepath.Join(root, "deploy/k8s/cluster/apply.sh"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("apply.sh: %v", err)
	}
	must(t, "apply", "-f", filepath.Join(root, "deploy/k8s/cluster/access.yaml"))
	for _, p := range processes {
		got := must(t, "-n", ns, "get", "deployment", p, "-o", "jsonpath={.status.availableReplicas}/{.status.readyReplicas}")
		if got != "2/2" {
			t.Errorf("%s: available/ready %s, want 2/2", p, got)
		}
	}
	s.callbackSecret = []byte(secretValue(t, "zeromall-secrets", "payment-callback-secret"))
	// Any HTTP answer will do: it shows kube-proxy's NodePort rules lead to a gateway.
	testkit.Eventually(t, 30*time.Second, "the gateways answer through their NodePorts", func() bool {
		for _, u := range []string{userAPI, orderAPI, payAPI} {
			resp, err := httpc.Get(u + "/")
			if err != nil {
				return false
			}
			_ = resp.Body.Close()
		}
		return true
	})
}

func onePurchase(t *testing.T, s *shop) {
	b := s.newBuyer(t, "k8s-buyer")
	var me struct {
		Email string `json:"email"`
	}
	if _, err := s.call(context.Background(), b.ip, "GET", userAPI+"/user/v1/me", b.token, nil, &me); err != nil || me.Email != b.email {
		t.Fatalf("/me: %v, %q", err, me.Email)
	}
	var errs []error
	sn, paid := s.purchase(context.Background(), b, 1, func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	})
	if !paid {
		t.Fatalf("purchase: %v", errs)
	}
	s.waitPaid(t, b, []string{sn})
	logf(t, "purchase: %s registered, order %s paid through the signed callback, payment-rpc's outbox and the PAYMENTS stream", b.email, sn)
}

// The development engines' Jaeger through its NodePorts (cluster/dev-engines.yaml).
const (
	jaegerQuery = "http://127.0.0.1:31686"
	jaegerOTLP  = "http://127.0.0.1:31318"
)

// tracedPurchase reads the buyer's profile and makes one purchase as a traced client, and reads the
// trace back from Jaeger.
func tracedPurchase(t *testing.T, s *shop) {
	b := s.newBuyer(t, "k8s-traced")
	ctx, ct := testkit.NewClientTrace(context.Background())
	var me struct { // user-api and user-rpc in the trace
		Email string `json:"email"`
	}
	if _, err := s.call(ctx, b.ip, "GET", userAPI+"/user/v1/me", b.token, nil, &me); err != nil || me.Email != b.email {
		t.Fatalf("/me: %v, %q", err, me.Email)
	}
	var errs []error
	sn, paid := s.purchase(ctx, b, 1, func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	})
	if !paid {
		t.Fatalf("purchase: %v", errs)
	}
	s.waitPaid(t, b, []string{sn})
	if err := ct.Send(context.Background(), jaegerOTLP, "k8scheck", "purchase"); err != nil {
		t.Fatalf("record the test's own span: %v", err)
	}
	tr, err := testkit.WaitTrace(context.Background(), jaegerQuery, ct.TraceID, testkit.Processes, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tr.PurchaseProblems() {
		t.Error(p)
	}
	for _, l := range tr.Leaks(password, b.token) {
		t.Error(l)
	}
	logf(t, "trace %s of order %s: %d spans from %d processes; order-rpc handled payment.succeeded under payment-api's callback",
		ct.TraceID, sn, len(tr.Spans), len(testkit.Processes)+1)
}

// rollingUpdate restarts every Deployment in turn (an annotation change: new pods, the old ones
// terminated after the new ones are ready) while three buyers keep purchasing.
func rollingUpdate(t *testing.T, s *shop) {
	l := s.startLoad(t, "rolling", 3, 150*time.Millisecond)
	time.Sleep(3 * time.Second)
	for _, p := range processes {
		start := time.Now()
		before := pods(t, p)
		must(t, "-n", ns, "rollout", "restart", "deployment/"+p)
		waitAvailable(t, p)
		after := pods(t, p)
		for _, old := range before {
			for _, now := range after {
				if old == now {
					t.Errorf("%s: pod %s survived the rollout", p, old)
				}
			}
		}
		logf(t, "rolled %s in %.1f s: %v -> %v", p, time.Since(start).Seconds(), before, after)
	}
	waitNoneTerminating(t)
	sent, ok, failed := l.stop(t)
	logf(t, "rolling update: sent %d, 2xx %d, failed %d", sent, ok, len(failed))
	if len(failed) > 0 || sent == 0 {
		t.Errorf("rolling update: %d of %d requests failed, want none", len(failed), sent)
	}
}

// waitNoneTerminating keeps the load on until every replaced pod has finished terminating, so
// that the requests their shutdown could fail are counted.
func waitNoneTerminating(t *testing.T) {
	t.Helper()
	testkit.Eventually(t, 2*time.Minute, "every old pod has terminated", func() bool {
		out := must(t, "-n", ns, "get", "pods", "-o", `jsonpath={range .items[*]}{.metadata.deletionTimestamp}{end}`)
		return strings.TrimSpace(out) == ""
	})
	time.Sleep(2 * time.Second)
}

// deletePods deletes one order-rpc and one user-api pod (a graceful termination, as a node drain
// or an operator would) under load.
func deletePods(t *testing.T, s *shop) {
	l := s.startLoad(t, "delete", 3, 150*time.Millisecond)
	time.Sleep(3 * time.Second)
	for _, p := range []string{"order-rpc", "user-api"} {
		victim := pods(t, p)[0]
		start := time.Now()
		must(t, "-n", ns, "delete", "pod", victim, "--wait=true")
		waitAvailable(t, p)
		logf(t, "deleted %s; %s back to 2 available in %.1f s", victim, p, time.Since(start).Seconds())
	}
	waitNoneTerminating(t)
	sent, _, failed := l.stop(t)
	// A deleted pod is terminated gracefully (removed from the Service, then drained): no request
	// should fail; a handful is the most that is tolerated, and every failure is listed above.
	if len(failed) > 3 || sent == 0 {
		t.Errorf("pod deletion: %d of %d requests failed, want at most 3", len(failed), sent)
	}
}

// deleteBrokerPod deletes one of the three JetStream nodes under load. The broker is not on any
// request's path (events leave through the outboxes), so no request may fail; the streams have
// three replicas, so every payment's event reaches order-rpc and every paid order becomes paid,
// with the node gone and after it came back with empty storage.
func deleteBrokerPod(t *testing.T, s *shop) {
	const engines = "zeromall-engines"
	l := s.startLoad(t, "broker", 3, 150*time.Millisecond)
	time.Sleep(3 * time.Second)
	victim := "nats-1"
	start := time.Now()
	must(t, "-n", engines, "delete", "pod", victim, "--wait=true")
	must(t, "-n", engines, "rollout", "status", "statefulset/nats", "--timeout=180s")
	logf(t, "deleted %s; the StatefulSet back to 3 ready in %.1f s", victim, time.Since(start).Seconds())
	time.Sleep(3 * time.Second)
	sent, _, failed := l.stop(t)
	if len(failed) > 0 || sent == 0 {
		t.Errorf("broker pod deletion: %d of %d requests failed, want none", len(failed), sent)
	}
}

// evictions asks the eviction API (what kubectl drain uses) to evict both order-rpc pods: the
// first is allowed, the second would leave fewer than minAvailable ready and must be refused.
func evictions(t *testing.T) {
	victims := pods(t, "order-rpc")
	if len(victims) != 2 {
		t.Fatalf("order-rpc has pods %v, want 2", victims)
	}
	evict := func(pod string) error {
		body := fmt.Sprintf(`{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":%q,"namespace":%q}}`, pod, ns)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := kubectl(ctx, []byte(body), "create", "--raw", "/api/v1/namespaces/"+ns+"/pods/"+pod+"/eviction", "-f", "-")
		return err
	}
	if err := evict(victims[0]); err != nil {
		t.Fatalf("first eviction (leaves 1 of minAvailable 1): %v", err)
	}
	err := evict(victims[1])
	if err == nil {
		t.Fatalf("second eviction of %s was allowed: the PodDisruptionBudget did not hold", victims[1])
	}
	if !strings.Contains(err.Error(), "disruption budget") {
		t.Fatalf("second eviction failed, but not for the budget: %v", err)
	}
	logf(t, "evicted %s; evicting %s refused: %s", victims[0], victims[1], lastLine(err.Error()))
	waitAvailable(t, "order-rpc")
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

// autoscale loads order-api until its HorizontalPodAutoscaler (70% of the 100m CPU request)
// asks for more replicas and they are available.
func autoscale(t *testing.T, s *shop) {
	b := s.newBuyer(t, "hpa")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	for range 12 {
		go func() {
			for ctx.Err() == nil {
				_, _ = s.call(ctx, b.ip, "GET", orderAPI+"/order/v1/orders?page=1&pageSize=20", b.token, nil, nil)
			}
		}()
	}
	var decided time.Duration
	deadline := time.Now().Add(4 * time.Minute)
	for ; time.Now().Before(deadline); time.Sleep(2 * time.Second) {
		st := must(t, "-n", ns, "get", "hpa", "order-api", "-o",
			"jsonpath={.status.desiredReplicas} {.status.currentMetrics[0].resource.current.averageUtilization}")
		f := strings.Fields(st)
		want, _ := strconv.Atoi(first(f))
		if want > 2 && decided == 0 {
			decided = time.Since(start)
			logf(t, "hpa: order-api at %s%% of its CPU request: %d replicas wanted after %.0f s", second(f), want, decided.Seconds())
		}
		if decided > 0 {
			avail := must(t, "-n", ns, "get", "deployment", "order-api", "-o", "jsonpath={.status.availableReplicas}")
			if n, _ := strconv.Atoi(avail); n > 2 {
				logf(t, "hpa: order-api has %d available replicas %.0f s after the load started", n, time.Since(start).Seconds())
				return
			}
		}
	}
	t.Fatalf("order-api did not scale up within 4 minutes: %s", must(t, "-n", ns, "describe", "hpa", "order-api"))
}

func first(f []string) string {
	if len(f) > 0 {
		return f[0]
	}
	return ""
}

func second(f []string) string {
	if len(f) > 1 {
		return f[1]
	}
	return "?"
}

// networkPolicies checks that every process's policy is stored, then probes whether the network
// enforces them: a pod in another namespace connects to order-rpc's gRPC port, which the policy
// allows only from order-api and payment-rpc.
func networkPolicies(t *testing.T) {
	names := strings.Fields(must(t, "-n", ns, "get", "networkpolicy", "-o", "jsonpath={.items[*].metadata.name}"))
	if len(names) != len(processes) {
		t.Fatalf("networkpolicies %v, want one per process", names)
	}
	// The probe finds order-rpc by its Service's name (the cluster's DNS, then kube-proxy).
	svcIP := must(t, "-n", ns, "get", "service", "order-rpc", "-o", "jsonpath={.spec.clusterIP}")
	probe := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"netpol-probe","namespace":"default"},
"spec":{"restartPolicy":"Never","containers":[{"name":"probe","image":"zeromall-local/etcd:3.4-bookworm",
"imagePullPolicy":"Never","command":["bash","-c",` + strconv.Quote(`ip=$(getent hosts order-rpc.zeromall | cut -d' ' -f1); `+
		`[ -n "$ip" ] || { echo nodns; exit 0; }; `+
		`if timeout 3 bash -c "exec 3<>/dev/tcp/$ip/9002"; then echo reached $ip; else echo refused $ip; fi`) + `]}]}}`
	mustApply(t, probe)
	defer must(t, "-n", "default", "delete", "pod", "netpol-probe", "--wait=false")
	must(t, "-n", "default", "wait", "pod/netpol-probe", "--for=jsonpath={.status.phase}=Succeeded", "--timeout=60s")
	f := strings.Fields(must(t, "-n", "default", "logs", "netpol-probe"))
	if len(f) != 2 || f[1] != svcIP {
		t.Fatalf("probe printed %v: want order-rpc.zeromall resolved to its Service's address %s by the cluster DNS", f, svcIP)
	}
	logf(t, "dns: order-rpc.zeromall resolves to its Service's address %s", svcIP)
	got := f[0]
	switch got {
	case "refused":
		logf(t, "networkpolicy: enforced: a pod in namespace default cannot reach order-rpc:9002")
	case "reached":
		logf(t, "networkpolicy: NOT ENFORCED: this cluster's network (the CNI bridge plugin) has no NetworkPolicy "+
			"support, so a pod in namespace default reached order-rpc:9002; %d policies are stored and would be "+
			"enforced by a plugin that implements them (Calico, Cilium, kube-router…); deploy/k8s/README.md says so", len(names))
	default:
		t.Fatalf("network probe printed %q", got)
	}
}

func restarts(t *testing.T) {
	out := must(t, "get", "pods", "-A", "-o",
		`jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.containerStatuses[0].restartCount}{"\n"}{end}`)
	total := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		n, _ := strconv.Atoi(second(f))
		total += n
		logf(t, "restarts: %s", line)
	}
	logf(t, "restarts: %d in all", total)
}

// dumpState shows what a failed step left behind.
func dumpState(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _ := kubectl(ctx, nil, "get", "pods,deployments,hpa", "-A", "-o", "wide")
	ev, _ := kubectl(ctx, nil, "get", "events", "-A", "--sort-by=.lastTimestamp")
	for _, line := range strings.Split(out+tail(ev, 40), "\n") {
		logf(t, "state: %s", line)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
