// Package promcheck proves the observability files against a real Prometheus: it starts make
// run's processes and Debian's prometheus with deploy/prometheus/prometheus.yml (targets
// rewritten to loopback) and rules.yml, drives a little traffic, and evaluates every expression of
// the Grafana dashboard and every rule through the HTTP API. make test runs it on its own
// (make test-prometheus): it needs the stack's fixed ports.
package promcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"gopkg.in/yaml.v3"
)

// httpc bounds every call to the stack and to Prometheus.
var httpc = &http.Client{Timeout: 10 * time.Second}

// stackPorts are what make run listens on: the gateways, the rpcs, their dev servers, etcd.
var stackPorts = []int{8888, 8889, 8890, 9001, 9002, 9003, 6470, 6471, 6472, 6473, 6474, 6475}

func TestPrometheus_DashboardAndRulesReturnDataFromARunningStack(t *testing.T) {
	for _, bin := range []string{"prometheus", "promtool"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed: run deploy/scripts/deps.sh prometheus", bin)
		}
	}
	testkit.RequirePortsFree(t, stackPorts...)
	root := testkit.RepoRoot(t)
	promDir := filepath.Join(root, "deploy", "prometheus")
	promtool(t, promDir, "check", "rules", "rules.yml")
	promtool(t, promDir, "test", "rules", "rules_test.yml")

	t.Log("promcheck: starting make run's stack (deploy/scripts/run.sh --detach)")
	testkit.StartRunStack(t, root, nil)
	api := startPrometheus(t, promDir)
	waitTargetsUp(t, api)

	started := time.Now()
	driveTraffic(t, root)
	// Two scrapes after the traffic, and one evaluation of every rule group after those.
	waitRulesEvaluatedAfter(t, api, started.Add(10*time.Second))

	t.Run("dashboard", func(t *testing.T) {
		for _, e := range dashboardExprs(t, root) {
			n, err := seriesCount(api, e.expr)
			switch {
			case err != nil:
				t.Errorf("panel %q: %s: %v", e.panel, e.expr, err)
			case n == 0:
				t.Errorf("panel %q returns no data: %s", e.panel, e.expr)
			}
			t.Logf("promcheck: dashboard series=%d panel=%q expr=%s", n, e.panel, e.expr)
		}
	})
	t.Run("rules", func(t *testing.T) {
		checkRules(t, api)
	})
}

func promtool(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("promtool", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// startPrometheus runs prometheus on a free loopback port with the repository's config, its
// scrape targets (Compose service names) rewritten to 127.0.0.1, and returns its base URL.
func startPrometheus(t *testing.T, promDir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(promDir, "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var conf map[string]any
	if err := yaml.Unmarshal(raw, &conf); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	rewritten := 0
	for _, sc := range conf["scrape_configs"].([]any) {
		for _, st := range sc.(map[string]any)["static_configs"].([]any) {
			targets := st.(map[string]any)["targets"].([]any)
			for i, target := range targets {
				_, port, err := net.SplitHostPort(target.(string))
				if err != nil {
					t.Fatalf("target %v: %v", target, err)
				}
				targets[i] = "127.0.0.1:" + port
				rewritten++
			}
		}
	}
	if rewritten == 0 {
		t.Fatal("prometheus.yml scrapes nothing")
	}
	var files []any
	for _, f := range conf["rule_files"].([]any) {
		files = append(files, filepath.Join(promDir, f.(string)))
	}
	conf["rule_files"] = files

	dir := t.TempDir()
	out, err := yaml.Marshal(conf)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, out, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	testkit.StartProcess(t, "prometheus", "prometheus", []string{
		"--config.file=" + config, "--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr, "--log.level=warn",
	}, nil)
	base := "http://" + addr
	waitFor(t, 30*time.Second, "prometheus ready", func() error {
		resp, err := httpc.Get(base + "/-/ready")
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	t.Logf("promcheck: prometheus %s scraping %d targets on loopback", addr, rewritten)
	return base
}

func waitTargetsUp(t *testing.T, api string) {
	t.Helper()
	waitFor(t, 30*time.Second, "every scrape target up", func() error {
		var r struct {
			ActiveTargets []struct {
				ScrapeURL string `json:"scrapeUrl"`
				Health    string
				LastError string `json:"lastError"`
			} `json:"activeTargets"`
		}
		if err := get(api, "/api/v1/targets", nil, &r); err != nil {
			return err
		}
		if len(r.ActiveTargets) == 0 {
			return fmt.Errorf("no active targets")
		}
		for _, tg := range r.ActiveTargets {
			if tg.Health != "up" {
				return fmt.Errorf("%s is %s %s", tg.ScrapeURL, tg.Health, tg.LastError)
			}
		}
		return nil
	})
}

// driveTraffic makes every series the dashboard plots move: whole purchases (orders, payments,
// the outbox delivering them), cached reads, and refusals (401, 404, 400).
func driveTraffic(t *testing.T, root string) {
	t.Helper()
	for i := range 3 {
		cmd := exec.Command("deploy/scripts/purchase.sh")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), fmt.Sprintf("EMAIL=promcheck-%d-%d@example.com", time.Now().UnixNano(), i))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("purchase %d: %v\n%s", i, err, testkit.Tail(string(out), 20))
		}
	}
	refusals := []struct {
		method, url, body string
		want              int
	}{
		{"GET", "http://127.0.0.1:8888/user/v1/me", "", http.StatusUnauthorized},
		{"GET", "http://127.0.0.1:8889/order/v1/products/999999999", "", http.StatusNotFound},
		{"POST", "http://127.0.0.1:8888/user/v1/login", `{"email":"x"}`, http.StatusBadRequest},
	}
	for _, r := range refusals {
		req, err := http.NewRequest(r.method, r.url, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := httpc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != r.want {
			t.Errorf("%s %s answered %d, want %d", r.method, r.url, resp.StatusCode, r.want)
		}
	}
	// A few seconds of catalogue reads from 4 clients: enough samples for every histogram.
	var wg sync.WaitGroup
	deadline := time.Now().Add(5 * time.Second)
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				for _, u := range []string{"http://127.0.0.1:8889/order/v1/products", "http://127.0.0.1:8889/order/v1/products/1"} {
					if resp, err := httpc.Get(u); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						_ = resp.Body.Close()
					}
				}
			}
		})
	}
	wg.Wait()
}

// waitRulesEvaluatedAfter waits until every rule group's last evaluation is after at.
func waitRulesEvaluatedAfter(t *testing.T, api string, at time.Time) {
	t.Helper()
	waitFor(t, 90*time.Second, "every rule group evaluated after the traffic", func() error {
		groups, err := ruleGroups(api)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if g.LastEvaluation.Before(at) {
				return fmt.Errorf("group %s last evaluated at %s", g.Name, g.LastEvaluation.Format(time.TimeOnly))
			}
		}
		return nil
	})
}

type rule struct {
	Name      string
	Query     string
	Type      string
	Health    string
	LastError string `json:"lastError"`
}

type ruleGroup struct {
	Name           string
	Rules          []rule
	LastEvaluation time.Time `json:"lastEvaluation"`
}

func ruleGroups(api string) ([]ruleGroup, error) {
	var r struct{ Groups []ruleGroup }
	if err := get(api, "/api/v1/rules", nil, &r); err != nil {
		return nil, err
	}
	if len(r.Groups) == 0 {
		return nil, fmt.Errorf("no rule groups loaded")
	}
	return r.Groups, nil
}

// checkRules: every rule loaded from rules.yml evaluates healthy; every recorded series holds
// data; every alert's expression evaluates without error (a healthy stack raises none of them).
func checkRules(t *testing.T, api string) {
	groups, err := ruleGroups(api)
	if err != nil {
		t.Fatal(err)
	}
	var records, alerts int
	loaded := map[string]bool{}
	for _, g := range groups {
		for _, r := range g.Rules {
			loaded[r.Name] = true
			if r.Health != "ok" || r.LastError != "" {
				t.Errorf("%s %s: health %q, last error %q", r.Type, r.Name, r.Health, r.LastError)
			}
			switch r.Type {
			case "recording":
				records++
				n, err := seriesCount(api, r.Name)
				if err != nil || n == 0 {
					t.Errorf("recorded series %s (%s): %d series, %v", r.Name, r.Query, n, err)
				}
				t.Logf("promcheck: record series=%d name=%s expr=%s", n, r.Name, oneLine(r.Query))
			case "alerting":
				alerts++
				n, err := seriesCount(api, r.Query)
				if err != nil {
					t.Errorf("alert %s: %s: %v", r.Name, r.Query, err)
				}
				t.Logf("promcheck: alert series=%d name=%s expr=%s", n, r.Name, oneLine(r.Query))
			}
		}
	}
	for _, name := range ruleNames(t) {
		if !loaded[name] {
			t.Errorf("rule %s of rules.yml is not loaded", name)
		}
	}
	t.Logf("promcheck: %d recording and %d alerting rules evaluated", records, alerts)
}

// ruleNames lists every record and alert of rules.yml.
func ruleNames(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "deploy", "prometheus", "rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct{ Record, Alert string }
		}
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("rules.yml: %v", err)
	}
	var names []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			names = append(names, r.Record+r.Alert)
		}
	}
	if len(names) == 0 {
		t.Fatal("rules.yml holds no rules")
	}
	return names
}

type panelExpr struct{ panel, expr string }

// gridVariables are Grafana's built-in interval variables, as a 1-minute panel would expand them.
var gridVariables = strings.NewReplacer("$__rate_interval", "1m", "${__rate_interval}", "1m", "$__interval", "1m", "${__interval}", "1m")

// dashboardExprs returns the PromQL of every panel target of every dashboard, rows included.
func dashboardExprs(t *testing.T, root string) []panelExpr {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "deploy", "grafana", "dashboards", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards: %v", err)
	}
	type panel struct {
		Title   string
		Targets []struct{ Expr string }
		Panels  []json.RawMessage
	}
	var out []panelExpr
	var walk func(raw []json.RawMessage)
	walk = func(raw []json.RawMessage) {
		for _, r := range raw {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				t.Fatalf("panel: %v", err)
			}
			for _, tg := range p.Targets {
				if tg.Expr == "" {
					continue
				}
				expr := gridVariables.Replace(tg.Expr)
				if strings.Contains(expr, "$") {
					t.Errorf("panel %q uses a dashboard variable this test cannot expand: %s", p.Title, tg.Expr)
					continue
				}
				out = append(out, panelExpr{p.Title, expr})
			}
			walk(p.Panels)
		}
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct{ Panels []json.RawMessage }
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(d.Panels)
	}
	if len(out) == 0 {
		t.Fatal("the dashboards hold no PromQL")
	}
	return out
}

// seriesCount evaluates expr now and returns how many series it gives.
func seriesCount(api, expr string) (int, error) {
	var r struct {
		ResultType string `json:"resultType"`
		Result     json.RawMessage
	}
	if err := get(api, "/api/v1/query", url.Values{"query": {expr}}, &r); err != nil {
		return 0, err
	}
	switch r.ResultType {
	case "vector", "matrix":
		var series []json.RawMessage
		if err := json.Unmarshal(r.Result, &series); err != nil {
			return 0, err
		}
		return len(series), nil
	}
	return 1, nil // a scalar or a string is one value
}

// get calls Prometheus' HTTP API and decodes its data field.
func get(api, path string, q url.Values, data any) error {
	u := api + path
	if q != nil {
		u += "?" + q.Encode()
	}
	resp, err := httpc.Get(u)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Status, Error string
		Data          json.RawMessage
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%s: %d %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	if env.Status != "success" {
		return fmt.Errorf("%s: %s", path, env.Error)
	}
	return json.Unmarshal(env.Data, data)
}

// waitFor is testkit.Eventually for a check that says why it is not there yet: the last reason
// is logged when the wait fails.
func waitFor(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	var last error
	defer func() {
		if last != nil && t.Failed() {
			t.Logf("%s: last seen: %v", what, last)
		}
	}()
	testkit.Eventually(t, timeout, what, func() bool {
		if last = check(); last != nil {
			time.Sleep(450 * time.Millisecond) // Prometheus' API, not a hot loop
		}
		return last == nil
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

var spaces = regexp.MustCompile(`\s+`)

func oneLine(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }
