// Package deploy holds no code: its test checks deploy/docker-compose.yml, deploy/Dockerfile and
// the observability config against the services' own YAML, in seconds and without an engine.
// deploy/composecheck (make test-compose) runs the same files on a real Docker engine; Grafana,
// which no image can be made of without a registry, is checked only here.
package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zeromall/pkg/confx"
	"zeromall/pkg/gateway"

	"gopkg.in/yaml.v3"
)

type composeFile struct {
	Services map[string]composeService
	Volumes  map[string]any
}

type composeService struct {
	Image string
	Build *struct {
		Context    string
		Dockerfile string
		Args       map[string]string
	}
	Environment map[string]string
	Ports       []string
	DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
	Healthcheck *struct{ Test []string }
	Profiles    []string
	Volumes     []string
	ReadOnly    bool `yaml:"read_only"`
}

// readByCode are the variables every process reads in code (pkg/confx), not in its YAML.
var readByCode = map[string]bool{"ZEROMALL_ENV": true}

// The port plan (README, "Ports"): process → (port, dev-server port).
var processes = map[string][2]string{
	"user-api": {"8888", "6470"}, "user-rpc": {"9001", "6471"},
	"order-api": {"8889", "6472"}, "order-rpc": {"9002", "6473"},
	"payment-api": {"8890", "6474"}, "payment-rpc": {"9003", "6475"},
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	readYAML(t, "docker-compose.yml", &c)
	return c
}

// readYAML decodes the YAML file at path (relative to deploy/) into v.
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s does not parse: %v", path, err)
	}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// serviceYAML returns a process's config file, the variables it reads (name → has a default)
// and the config itself with every variable at its default.
func serviceYAML(t *testing.T, process string) (vars map[string]bool, cfg map[string]any) {
	t.Helper()
	svc, kind, _ := strings.Cut(process, "-")
	raw, err := os.ReadFile(filepath.Join("..", "apps", svc, kind, "etc", process+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	vars = map[string]bool{}
	for _, m := range envRef.FindAllStringSubmatch(withoutCommentLines(string(raw)), -1) {
		vars[m[1]] = vars[m[1]] || m[2] != ""
	}
	expanded := confx.Expand(string(raw), func(string) (string, bool) { return "", false })
	if err := yaml.Unmarshal([]byte(expanded), &cfg); err != nil {
		t.Fatalf("%s.yaml: %v", process, err)
	}
	return vars, cfg
}

func withoutCommentLines(text string) string {
	var keep []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func etcdKey(block any) string {
	m, _ := block.(map[string]any)
	etcd, _ := m["Etcd"].(map[string]any)
	key, _ := etcd["Key"].(string)
	return key
}

func TestCompose_EveryProcessIsWiredLikeItsConfig(t *testing.T) {
	c := loadCompose(t)
	for process, ports := range processes {
		t.Run(process, func(t *testing.T) {
			s, ok := c.Services[process]
			if !ok {
				t.Fatalf("no %s service", process)
			}
			svc, kind, _ := strings.Cut(process, "-")
			prefix := strings.ToUpper(svc + "_" + kind + "_")
			if s.Build == nil || s.Build.Dockerfile != "deploy/Dockerfile" || s.Build.Args["SERVICE"] != svc || s.Build.Args["KIND"] != kind {
				t.Errorf("build %+v, want deploy/Dockerfile with SERVICE=%s KIND=%s", s.Build, svc, kind)
			}
			vars, cfg := serviceYAML(t, process)
			for name := range s.Environment {
				if _, ok := vars[name]; !ok && !readByCode[name] {
					t.Errorf("compose sets %s, which %s.yaml never reads", name, process)
				}
			}
			for name, hasDefault := range vars {
				if _, set := s.Environment[name]; !hasDefault && !set {
					t.Errorf("%s.yaml needs %s and compose does not set it", process, name)
				}
			}
			port, dev := ports[0], ports[1]
			if kind == "rpc" {
				if got := s.Environment[prefix+"LISTEN"]; got != "0.0.0.0:"+port {
					t.Errorf("%sLISTEN = %q, want 0.0.0.0:%s", prefix, got, port)
				}
				if dsn := s.Environment[strings.ToUpper(svc)+"_DB_DSN"]; !strings.Contains(dsn, "@tcp(mysql:3306)/zeromall_"+svc+"?") {
					t.Errorf("DSN %q does not point at mysql:3306/zeromall_%s", dsn, svc)
				}
				if key := etcdKey(cfg); key != svc+".rpc" {
					t.Errorf("registers under %q, want %s.rpc", key, svc)
				}
			} else if got := s.Environment[prefix+"PORT"]; got != port {
				t.Errorf("%sPORT = %q, want %s", prefix, got, port)
			}
			if s.Environment[prefix+"DEV_PORT"] != dev {
				t.Errorf("%sDEV_PORT = %q, want %s", prefix, s.Environment[prefix+"DEV_PORT"], dev)
			}
			var published []string
			if kind == "api" {
				published = []string{"127.0.0.1:" + port + ":" + port}
			}
			if !slices.Equal(s.Ports, published) {
				t.Errorf("publishes %v, want %v (gateways only, on loopback)", s.Ports, published)
			}
			if !s.ReadOnly {
				t.Error("its root filesystem is writable: the processes write nothing but stdout (read_only: true)")
			}
			if s.Environment["ZEROMALL_ENV"] != "development" {
				t.Errorf("ZEROMALL_ENV %q: Compose is a development stack (dev secrets, dev rpc identities)", s.Environment["ZEROMALL_ENV"])
			}
			if s.Environment["ETCD_ENDPOINT"] != "etcd:2379" {
				t.Errorf("ETCD_ENDPOINT %q, want etcd:2379", s.Environment["ETCD_ENDPOINT"])
			}
			if _, reads := vars["REDIS_ADDR"]; reads && s.Environment["REDIS_ADDR"] != "redis:6379" {
				t.Errorf("REDIS_ADDR %q, want redis:6379", s.Environment["REDIS_ADDR"])
			}
			if _, reads := vars["JWT_SECRET"]; reads && s.Environment["JWT_SECRET"] == "" {
				t.Error("JWT_SECRET not set")
			}
			if s.Environment["ZEROMALL_MODE"] != "pro" {
				t.Errorf("Mode %q: load shedding only runs in pro", s.Environment["ZEROMALL_MODE"])
			}
			want := fmt.Sprintf("http://127.0.0.1:%s/healthz", dev)
			if s.Healthcheck == nil || !slices.Contains(s.Healthcheck.Test, want) {
				t.Errorf("health check %+v does not call %s", s.Healthcheck, want)
			}

			// Every rpc the process calls must be up (healthy) first, and registered under the key it dials.
			for field, value := range cfg {
				if !strings.HasSuffix(field, "Rpc") {
					continue
				}
				key := etcdKey(value)
				callee := strings.TrimSuffix(key, ".rpc") + "-rpc"
				if _, ok := processes[callee]; !ok || key == "" {
					t.Errorf("%s dials etcd key %q, which no rpc registers", field, key)
					continue
				}
				if s.DependsOn[callee].Condition != "service_healthy" {
					t.Errorf("does not wait for %s to be healthy", callee)
				}
			}
			if kind == "rpc" {
				for _, infra := range []string{"mysql", "redis", "etcd"} {
					if s.DependsOn[infra].Condition != "service_healthy" {
						t.Errorf("does not wait for %s to be healthy", infra)
					}
				}
			}
		})
	}
}

// Nothing but the gateways, the development tools (the API explorer, the sandbox provider) and the observability UIs is reachable from the host, and those only
// from the host itself: infra, rpc ports and dev servers stay on the Compose network.
func TestCompose_PublishesOnlyGatewaysAndUIsOnLoopback(t *testing.T) {
	c := loadCompose(t)
	mayPublish := map[string]bool{"user-api": true, "order-api": true, "payment-api": true, "explorer": true, "sandbox": true, "prometheus": true, "grafana": true, "jaeger": true}
	for name, s := range c.Services {
		if len(s.Ports) > 0 && !mayPublish[name] {
			t.Errorf("%s publishes %v: only the gateways, the development tools and the observability UIs may", name, s.Ports)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %q on every interface: bind it to 127.0.0.1", name, p)
			}
		}
	}
	if got := c.Services["jaeger"].Ports; !slices.Equal(got, []string{"127.0.0.1:16686:16686", "127.0.0.1:4318:4318"}) {
		t.Errorf("jaeger publishes %v: the query API and UI, and OTLP/HTTP for purchase.sh's span, only", got)
	}
}

// imageVar is how every image is named: from the environment, with a default.
var imageVar = regexp.MustCompile(`^\$\{[A-Z_]+_IMAGE:-([^}]+)\}$|^\$\{ZEROMALL_IMAGE_REPO:-zeromall\}/[a-z-]+:\$\{ZEROMALL_IMAGE_TAG:-dev\}$`)

func TestCompose_InfraHasHealthChecksVolumesAndPinnedImages(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) == 0 {
			t.Errorf("%s has no health check", name)
		}
		m := imageVar.FindStringSubmatch(s.Image)
		switch {
		case m == nil:
			t.Errorf("%s image %q cannot be set from the environment (${NAME_IMAGE:-default})", name, s.Image)
		case s.Build == nil && !pinned(m[1]):
			t.Errorf("%s image %q is not pinned to a version", name, m[1])
		}
	}
	if m := imageVar.FindStringSubmatch(c.Services["mysql"].Image); m == nil || !strings.HasPrefix(m[1], "mariadb:10.11") {
		t.Errorf("the database image is %q, want MariaDB 10.11, the engine every test runs on", c.Services["mysql"].Image)
	}
	for _, infra := range []string{"mysql", "redis", "etcd"} {
		if len(c.Services[infra].Volumes) == 0 {
			t.Errorf("%s keeps no data in a volume", infra)
		}
	}
	for _, o := range []string{"prometheus", "grafana", "jaeger"} {
		if !slices.Contains(c.Services[o].Profiles, "observability") {
			t.Errorf("%s is not in the observability profile", o)
		}
	}
}

func pinned(image string) bool {
	_, tag, ok := strings.Cut(image[strings.LastIndex(image, "/")+1:], ":")
	return ok && tag != "latest" && strings.ContainsAny(tag, "0123456789")
}

func TestDockerfile_MultiStageStaticNonRoot(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(raw)
	if strings.Count(df, "\nFROM ") < 2 {
		t.Error("not a multi-stage build")
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "ARG SERVICE", "ARG KIND", "USER 10001", "ENV ZEROMALL_ENV=production"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	for _, m := range regexp.MustCompile(`ARG \w+_IMAGE=(\S+)`).FindAllStringSubmatch(df, -1) {
		if !pinned(m[1]) {
			t.Errorf("base image %s is not pinned", m[1])
		}
	}
}

func TestObservability_PrometheusScrapesEveryProcess(t *testing.T) {
	var p struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			MetricsPath   string                       `yaml:"metrics_path"`
			StaticConfigs []struct{ Targets []string } `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "prometheus/prometheus.yml", &p)
	prom := loadCompose(t).Services["prometheus"]
	for _, f := range append([]string{"prometheus.yml"}, p.RuleFiles...) {
		if !slices.Contains(prom.Volumes, "./prometheus/"+f+":/etc/prometheus/"+f+":ro") {
			t.Errorf("Compose's prometheus does not mount %s next to its config", f)
		}
	}
	var targets []string
	for _, sc := range p.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			targets = append(targets, st.Targets...)
		}
	}
	for process, ports := range processes {
		if !slices.Contains(targets, process+":"+ports[1]) {
			t.Errorf("Prometheus does not scrape %s:%s", process, ports[1])
		}
	}
	dash, err := os.ReadFile("grafana/dashboards/zeromall.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Panels []struct{ Title string } }
	if err := json.Unmarshal(dash, &d); err != nil || len(d.Panels) == 0 {
		t.Fatalf("dashboard: %v, %d panels", err, len(d.Panels))
	}
}

func TestRunbook_ListsEveryEnvironmentVariable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "doc", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	for process := range processes {
		vars, _ := serviceYAML(t, process)
		for name := range vars {
			if !strings.Contains(string(raw), "`"+name+"`") {
				t.Errorf("doc/runbook.md does not document %s (read by %s)", name, process)
			}
		}
	}
}

func TestK8s_EveryProcessHasProbesPortsAndItsVariables(t *testing.T) {
	for process, ports := range processes {
		t.Run(process, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("k8s", process+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			dec := yaml.NewDecoder(strings.NewReader(string(raw)))
			kinds := map[string]bool{}
			for {
				var doc struct {
					Kind string
					Spec struct {
						Template struct {
							Spec struct {
								Containers []struct {
									Env            []struct{ Name string }
									ReadinessProbe struct {
										HTTPGet struct {
											Path string
											Port int
										} `yaml:"httpGet"`
									} `yaml:"readinessProbe"`
									Ports []struct {
										ContainerPort int `yaml:"containerPort"`
									} `yaml:"ports"`
								}
							}
						}
					}
				}
				if err := dec.Decode(&doc); err != nil {
					break
				}
				kinds[doc.Kind] = true
				if doc.Kind != "Deployment" {
					continue
				}
				c := doc.Spec.Template.Spec.Containers[0]
				if c.ReadinessProbe.HTTPGet.Path != "/healthz" || fmt.Sprint(c.ReadinessProbe.HTTPGet.Port) != ports[1] {
					t.Errorf("readiness probe %+v, want /healthz on %s", c.ReadinessProbe.HTTPGet, ports[1])
				}
				var exposed []string
				for _, p := range c.Ports {
					exposed = append(exposed, fmt.Sprint(p.ContainerPort))
				}
				if !slices.Contains(exposed, ports[0]) || !slices.Contains(exposed, ports[1]) {
					t.Errorf("container ports %v, want %v", exposed, ports)
				}
				vars, _ := serviceYAML(t, process)
				for _, e := range c.Env {
					if _, ok := vars[e.Name]; !ok && !readByCode[e.Name] {
						t.Errorf("sets %s, which %s.yaml never reads", e.Name, process)
					}
				}
				for name, hasDefault := range vars {
					if !hasDefault && !slices.ContainsFunc(c.Env, func(e struct{ Name string }) bool { return e.Name == name }) {
						t.Errorf("%s.yaml needs %s", process, name)
					}
				}
			}
			for _, k := range []string{"Deployment", "Service", "HorizontalPodAutoscaler"} {
				if !kinds[k] {
					t.Errorf("no %s", k)
				}
			}
		})
	}
}

// k8sDocs returns every document of deploy/k8s/<process>.yaml by kind.
func k8sDocs(t *testing.T, process string) map[string]map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("k8s", process+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		docs[doc["kind"].(string)] = doc
	}
	return docs
}

// dig walks nested maps and lists: keys are map keys, ints are list indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// callersOf reads, from every process's YAML, which processes dial the rpc (by etcd key).
func callersOf(t *testing.T, rpc string) []string {
	t.Helper()
	var callers []string
	for process := range processes {
		_, cfg := serviceYAML(t, process)
		for field, value := range cfg {
			if strings.HasSuffix(field, "Rpc") && strings.TrimSuffix(etcdKey(value), ".rpc")+"-rpc" == rpc {
				callers = append(callers, process)
			}
		}
	}
	slices.Sort(callers)
	return callers
}

// Every process runs as production with its rpc identity from a Secret, keeps one copy through
// voluntary disruptions, and accepts traffic only from who needs it: gateways from the ingress
// controller, each rpc from the processes that call it, metrics from the monitoring namespace.
func TestK8s_ProductionIdentityDisruptionBudgetAndNetworkPolicy(t *testing.T) {
	for process, ports := range processes {
		t.Run(process, func(t *testing.T) {
			docs := k8sDocs(t, process)
			selector := map[string]any{"app.kubernetes.io/name": process}

			c := dig(docs["Deployment"], "spec", "template", "spec", "containers", 0)
			env := map[string]string{}
			for _, e := range dig(c, "env").([]any) {
				v, _ := dig(e, "value").(string)
				env[dig(e, "name").(string)] = v
			}
			if env["ZEROMALL_ENV"] != "production" {
				t.Errorf("ZEROMALL_ENV %q, want production", env["ZEROMALL_ENV"])
			}
			mount, _ := dig(c, "volumeMounts", 0, "mountPath").(string)
			for _, v := range []string{"RPC_TLS_CA_FILE", "RPC_TLS_CERT_FILE", "RPC_TLS_KEY_FILE"} {
				if mount == "" || !strings.HasPrefix(env[v], mount+"/") {
					t.Errorf("%s = %q is not in the mounted Secret (%q)", v, env[v], mount)
				}
			}
			if secret := dig(docs["Deployment"], "spec", "template", "spec", "volumes", 0, "secret", "secretName"); secret != "zeromall-rpc-tls-"+process {
				t.Errorf("rpc identity from %v, want the Secret zeromall-rpc-tls-%s", secret, process)
			}

			pdb := docs["PodDisruptionBudget"]
			if pdb == nil || !reflect.DeepEqual(dig(pdb, "spec", "selector", "matchLabels"), selector) || dig(pdb, "spec", "minAvailable") != 1 {
				t.Errorf("PodDisruptionBudget %v: want minAvailable 1 over %s", pdb, process)
			}

			np := docs["NetworkPolicy"]
			if np == nil || !reflect.DeepEqual(dig(np, "spec", "podSelector", "matchLabels"), selector) {
				t.Fatalf("NetworkPolicy %v does not select %s", np, process)
			}
			if types := fmt.Sprint(dig(np, "spec", "policyTypes")); types != "[Ingress]" {
				t.Errorf("policyTypes %s, want [Ingress]", types)
			}
			allowed := map[string][]string{} // port → sources
			for _, rule := range dig(np, "spec", "ingress").([]any) {
				var sources []string
				for _, from := range dig(rule, "from").([]any) {
					if ns := dig(from, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"); ns != nil {
						sources = append(sources, "ns:"+ns.(string))
					}
					if pod := dig(from, "podSelector", "matchLabels", "app.kubernetes.io/name"); pod != nil {
						sources = append(sources, pod.(string))
					}
				}
				if len(sources) == 0 {
					t.Errorf("an ingress rule with no source admits everyone: %v", rule)
				}
				for _, p := range dig(rule, "ports").([]any) {
					port := fmt.Sprint(dig(p, "port"))
					allowed[port] = append(allowed[port], sources...)
				}
			}
			want := []string{"ns:ingress-nginx"}
			if strings.HasSuffix(process, "-rpc") {
				want = callersOf(t, process)
			}
			got := slices.Sorted(slices.Values(allowed[ports[0]]))
			if !slices.Equal(got, want) {
				t.Errorf("port %s admits %v, want %v", ports[0], got, want)
			}
			if got := allowed[ports[1]]; !slices.Equal(got, []string{"ns:monitoring"}) {
				t.Errorf("dev port %s admits %v, want the monitoring namespace only", ports[1], got)
			}
			if len(allowed) != 2 {
				t.Errorf("ports admitted %v, want only %v", allowed, ports)
			}
		})
	}
}

// A gateway reached only through the ingress controller must believe its X-Forwarded-For: with no
// trusted proxy every client has the controller's address, and one client's bad logins or sign-ups
// would throttle everyone.
func TestK8s_GatewaysBehindTheIngressTrustIt(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("k8s", "engines.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var engines struct{ Data map[string]string }
	if err := yaml.Unmarshal(raw, &engines); err != nil {
		t.Fatal(err)
	}
	cidrs := strings.Split(engines.Data["trusted-proxies"], ",")
	if _, err := gateway.NewClientIPResolver(cidrs); err != nil || strings.TrimSpace(cidrs[0]) == "" {
		t.Errorf("engines.yaml trusted-proxies %q: %v, want the ingress controller's CIDRs", engines.Data["trusted-proxies"], err)
	}
	for process := range processes {
		if !strings.HasSuffix(process, "-api") {
			continue
		}
		t.Run(process, func(t *testing.T) {
			docs := k8sDocs(t, process)
			var from any
			for _, e := range dig(docs["Deployment"], "spec", "template", "spec", "containers", 0, "env").([]any) {
				if dig(e, "name") == "TRUSTED_PROXIES" {
					from = dig(e, "valueFrom", "configMapKeyRef")
				}
			}
			want := map[string]any{"name": "zeromall-engines", "key": "trusted-proxies"}
			if !reflect.DeepEqual(from, want) {
				t.Errorf("TRUSTED_PROXIES from %v, want %v", from, want)
			}
		})
	}
}

// Local scripts and load tests register users again and again from one address (counted in the
// machine's Redis across runs) and leave orders unpaid: every development launcher lifts the
// sign-up quota and the unpaid-order limit, and production keeps both (the services' YAML
// defaults, which the Kubernetes manifests do not override).
func TestDevLaunchers_DoNotThrottleLocalScripts(t *testing.T) {
	const lifted = 10000
	read := func(path string) string {
		t.Helper()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	makefile := read("../Makefile")
	dev := makefile[strings.Index(makefile, "\ndev:"):]
	compose := loadCompose(t)
	for _, limit := range []struct{ name, process, production string }{
		{"REGISTER_LIMIT_IP", "user-rpc", "20"},
		{"ORDER_PENDING_PER_USER", "order-rpc", "5"},
	} {
		quota := regexp.MustCompile(limit.name + `(?:=|: )\$*\{?(?:` + limit.name + `:-)?(\d+)`)
		check := func(where, text string) {
			t.Helper()
			m := quota.FindStringSubmatch(text)
			if m == nil {
				t.Errorf("%s does not set %s", where, limit.name)
				return
			}
			if n, _ := strconv.Atoi(m[1]); n < lifted {
				t.Errorf("%s sets %s=%s, want at least %d", where, limit.name, m[1], lifted)
			}
		}
		check("make run (deploy/scripts/run.sh)", read("scripts/run.sh"))
		check("make run-ha (deploy/scripts/run-ha.sh)", read("scripts/run-ha.sh"))
		check("make dev", dev[:strings.Index(dev, "\n\n")])
		check("Compose's "+limit.process, limit.name+": "+compose.Services[limit.process].Environment[limit.name])
		if !strings.Contains(read("../apps/"+strings.TrimSuffix(limit.process, "-rpc")+"/rpc/etc/"+limit.process+".yaml"), "${"+limit.name+":-"+limit.production+"}") {
			t.Errorf("%s.yaml no longer defaults %s to production's %s", limit.process, limit.name, limit.production)
		}
		if strings.Contains(read("k8s/"+limit.process+".yaml"), limit.name) {
			t.Errorf("the Kubernetes manifest of %s overrides production's %s", limit.process, limit.name)
		}
	}
}

// The local Jaeger image is named by the version deploy/tools/jaeger pins (images.sh keeps an
// image that is present, so a new pin needs a new name), and the test cluster runs that image.
func TestJaeger_LocalImageNamesThePinnedVersion(t *testing.T) {
	mod, err := os.ReadFile("tools/jaeger/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/jaegertracing/jaeger (v[0-9.]+)( // indirect)?$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("deploy/tools/jaeger/go.mod pins no github.com/jaegertracing/jaeger")
	}
	env, err := os.ReadFile("docker/local-images.env")
	if err != nil {
		t.Fatal(err)
	}
	want := "zeromall-local/jaeger:" + strings.TrimPrefix(string(m[1]), "v") + "-bookworm"
	if !strings.Contains(string(env), "JAEGER_IMAGE="+want+"\n") {
		t.Errorf("docker/local-images.env does not name %s", want)
	}
	engines, err := os.ReadFile("k8s/cluster/dev-engines.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(engines), "image: "+want+"\n") {
		t.Errorf("k8s/cluster/dev-engines.yaml does not run %s", want)
	}
}
