package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"zeromall/pkg/testkit"
)

// The import rules of the repository (doc/architecture.md, "Dependencies point one way"):
//
//   - pkg/ is shared code: it imports nothing from apps/, deploy/ or e2e/ (migrations are handed
//     in by each rpc's main; a test may migrate a database with a service's migrations);
//   - apps/ imports nothing from deploy/ or e2e/: each service's migrations live beside its models
//     (apps/<svc>/model/migrations);
//   - a model imports only pkg/ (no rpc, gateway or other service);
//   - a domain package (every rpc internal package but goctl's logic/server/svc/config, main's
//     workers and the <svc>rpc adapters of other services' clients) imports no
//     goctl layer, no worker and no gRPC type, so it can be tested and reused without them;
//   - workers use the domain, never goctl's logic;
//   - logic, server and workers see the domain's own types, never a model's rows: a domain
//     declares the rows it needs as interfaces (its Tables), which the goctl models implement
//     and svc builds (TestModelsAreBuiltInSvc);
//   - one service reaches another only through its rpc contract (the pb and _client packages, and
//     access: who may call each method and what callers may do with it).
var (
	appPkg        = regexp.MustCompile(`^zeromall/apps/(\w+)/(\w+)(?:/(.*))?$`)
	goctlLayer    = regexp.MustCompile(`^rpc/internal/(logic|server|svc|config)$`)
	notDomain     = regexp.MustCompile(`^rpc/internal/(logic|server|svc|config|workers|\w+rpc)$`)
	rowBlind      = regexp.MustCompile(`^rpc/internal/(logic|server|workers)$`)
	migrationsPkg = regexp.MustCompile(`^zeromall/apps/\w+/model/migrations$`)
	rpcTypes      = regexp.MustCompile(`^(google\.golang\.org/grpc|zeromall/apps/(\w+)/rpc/(\w+))($|/)`)
)

// importViolations checks one package's direct imports against the rules; pkg is its import
// path and test says it is built with its tests (which may migrate a database with a service's
// migrations).
func importViolations(pkg string, test bool, imports []string) []string {
	var bad []string
	for _, imp := range imports {
		if !strings.HasPrefix(imp, "zeromall/") && !strings.HasPrefix(imp, "google.golang.org/grpc") {
			continue
		}
		if test && (migrationsPkg.MatchString(imp) || ownModel(pkg, imp)) {
			continue // a test may migrate a database, and read what its code stored
		}
		if why := importRule(pkg, imp); why != "" {
			bad = append(bad, pkg+" imports "+imp+": "+why)
		}
	}
	return bad
}

func importRule(pkg, imp string) string {
	if from := appPkg.FindStringSubmatch(pkg); from != nil && isDomain(strings.TrimSuffix(from[2]+"/"+from[3], "/")) && isRPCType(imp) {
		return "a domain package uses no gRPC type (an adapter such as payment's orderrpc does)"
	}
	if !strings.HasPrefix(imp, "zeromall/") {
		return ""
	}
	if strings.HasPrefix(pkg, "zeromall/pkg/") {
		if !strings.HasPrefix(imp, "zeromall/pkg/") {
			return "pkg/ imports only pkg/"
		}
		return ""
	}
	from := appPkg.FindStringSubmatch(pkg)
	if from == nil {
		return "" // mains outside apps/, e2e and deploy may import anything
	}
	fromSvc, fromPath := from[1], strings.TrimPrefix(from[2]+"/"+from[3], "/")
	fromPath = strings.TrimSuffix(fromPath, "/")
	to := appPkg.FindStringSubmatch(imp)
	switch {
	case strings.HasPrefix(imp, "zeromall/e2e"):
		return "nothing in apps/ imports e2e/"
	case strings.HasPrefix(imp, "zeromall/deploy/"):
		return "nothing in apps/ imports deploy/"
	case to == nil:
		return ""
	}
	toSvc, toPath := to[1], strings.TrimSuffix(strings.TrimPrefix(to[2]+"/"+to[3], "/"), "/")
	if toSvc != fromSvc {
		if toPath != "rpc/"+toSvc && toPath != "rpc/"+toSvc+"_client" && toPath != "rpc/access" {
			return "another service is reached only through its rpc contract (pb, _client or access)"
		}
		return ""
	}
	switch {
	case fromPath == "model":
		return "a model imports only pkg/"
	case strings.HasPrefix(fromPath, "rpc/internal/") && !notDomain.MatchString(fromPath) && goctlLayer.MatchString(toPath):
		return "a domain package does not depend on goctl's layers"
	case strings.HasPrefix(fromPath, "rpc/internal/") && !notDomain.MatchString(fromPath) && toPath == "rpc/internal/workers":
		return "a domain package does not depend on its workers"
	case fromPath == "rpc/internal/workers" && goctlLayer.MatchString(toPath):
		return "workers use the domain, not goctl's layers"
	case rowBlind.MatchString(fromPath) && toPath == "model":
		return "logic, server and workers see the domain's types, not the model's rows"
	}
	return ""
}

// ownModel reports whether imp is the model of pkg's own service.
func ownModel(pkg, imp string) bool {
	from, to := appPkg.FindStringSubmatch(pkg), appPkg.FindStringSubmatch(imp)
	return from != nil && to != nil && from[1] == to[1] && to[2] == "model" && to[3] == ""
}

func isDomain(path string) bool {
	return strings.HasPrefix(path, "rpc/internal/") && !notDomain.MatchString(path)
}

// isRPCType reports whether imp is gRPC or an rpc contract package (pb or _client).
func isRPCType(imp string) bool {
	m := rpcTypes.FindStringSubmatch(imp)
	return m != nil && (m[2] == "" || m[3] == m[2] || m[3] == m[2]+"_client")
}

// TestImportRules lists every package the repository's code depends on (go list -deps, tests
// included) and checks each one's imports against the rules above.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test",
		"-f", `{{.ImportPath}}|{{join .Imports " "}}`, "zeromall/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var bad []string
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, "|")
		// A package built with its tests is listed as "p [p.test]", its external tests as
		// "p_test [p.test]" and the test binary as "p.test".
		pkg, variant, _ := strings.Cut(path, " ")
		if !strings.HasPrefix(pkg, "zeromall/") || strings.HasSuffix(pkg, ".test") {
			continue
		}
		test := variant != "" || strings.HasSuffix(pkg, "_test")
		pkg = strings.TrimSuffix(pkg, "_test")
		checked++
		bad = append(bad, importViolations(pkg, test, strings.Fields(imports))...)
	}
	if checked < 50 {
		t.Fatalf("checked only %d packages; go list output changed?", checked)
	}
	sort.Strings(bad)
	for _, b := range compact(bad) {
		t.Error(b)
	}
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TestImportRules_CatchViolations proves each rule fires, so a passing TestImportRules means
// something.
func TestImportRules_CatchViolations(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		ok       bool
	}{
		{"zeromall/pkg/rpcx", "zeromall/deploy/explorer", false},
		{"zeromall/pkg/store", "zeromall/apps/order/model/migrations", false},
		{"zeromall/pkg/testkit", "zeromall/apps/user/rpc/user", false},
		{"zeromall/pkg/store", "zeromall/pkg/store", true},
		{"zeromall/apps/order/model", "zeromall/apps/order/rpc/order", false},
		{"zeromall/apps/order/model", "zeromall/pkg/store", true},
		{"zeromall/apps/order/rpc/internal/orders", "zeromall/apps/order/rpc/internal/svc", false},
		{"zeromall/apps/order/rpc/internal/orders", "zeromall/apps/order/rpc/internal/logic", false},
		{"zeromall/apps/order/rpc/internal/orders", "zeromall/apps/order/rpc/internal/workers", false},
		{"zeromall/apps/order/rpc/internal/orders", "zeromall/apps/order/model", true},
		{"zeromall/apps/order/rpc/internal/workers", "zeromall/apps/order/rpc/internal/logic", false},
		{"zeromall/apps/order/rpc/internal/workers", "zeromall/apps/order/rpc/internal/orders", true},
		{"zeromall/apps/order/rpc/internal/logic", "zeromall/apps/order/rpc/internal/orders", true},
		{"zeromall/apps/order/rpc/internal/logic", "zeromall/apps/order/model", false},
		{"zeromall/apps/order/rpc/internal/workers", "zeromall/apps/order/model", false},
		{"zeromall/apps/order/rpc/internal/svc", "zeromall/apps/order/model", true},
		{"zeromall/apps/payment/rpc/internal/payments", "zeromall/apps/order/model", false},
		{"zeromall/apps/payment/rpc/internal/payments", "zeromall/apps/order/rpc/internal/orders", false},
		{"zeromall/apps/payment/rpc/internal/payments", "zeromall/apps/order/rpc/order_client", false},
		{"zeromall/apps/payment/rpc/internal/payments", "zeromall/apps/order/rpc/order", false},
		{"zeromall/apps/order/rpc/internal/orders", "zeromall/apps/order/rpc/order", false},
		{"zeromall/apps/order/rpc/internal/orders", "google.golang.org/grpc/status", false},
		{"zeromall/apps/payment/rpc/internal/orderrpc", "zeromall/apps/order/rpc/order_client", true},
		{"zeromall/apps/payment/rpc/internal/svc", "zeromall/apps/order/rpc/order_client", true},
		{"zeromall/apps/order/rpc/internal/logic", "zeromall/apps/order/rpc/order", true},
		{"zeromall/apps/order/rpc", "zeromall/apps/order/model/migrations", true},
		{"zeromall/apps/payment/rpc", "zeromall/apps/order/model/migrations", false},
		{"zeromall/apps/order/rpc", "zeromall/deploy/prod", false},
		{"zeromall/apps/order/api", "zeromall/deploy/prod", false},
		{"zeromall/apps/order/api/internal/svc", "zeromall/apps/user/rpc/access", true},
		{"zeromall/apps/order/api/internal/svc", "zeromall/apps/user/rpc/internal/accounts", false},
	} {
		got := importRule(tc.pkg, tc.imp) == ""
		if got != tc.ok {
			t.Errorf("%s -> %s: allowed=%v, want %v", tc.pkg, tc.imp, got, tc.ok)
		}
	}
	// A test may migrate a database with a service's migrations; the code it tests may not.
	migrations := []string{"zeromall/apps/order/model/migrations"}
	if bad := importViolations("zeromall/pkg/store", true, migrations); len(bad) != 0 {
		t.Errorf("a pkg test may use a service's migrations: %v", bad)
	}
	if bad := importViolations("zeromall/pkg/store", false, migrations); len(bad) == 0 {
		t.Error("pkg code imports a service's migrations unnoticed")
	}
	// A logic test may read the rows its code stored; the logic itself may not see them.
	model := []string{"zeromall/apps/order/model"}
	if bad := importViolations("zeromall/apps/order/rpc/internal/logic", true, model); len(bad) != 0 {
		t.Errorf("a logic test may read its service's rows: %v", bad)
	}
	if bad := importViolations("zeromall/apps/order/rpc/internal/logic", false, model); len(bad) == 0 {
		t.Error("logic imports the model unnoticed")
	}
}

// modelBuilt is a goctl model's constructor called: model.NewOrdersModel(db, …).
var modelBuilt = regexp.MustCompile(`\bmodel\.New[A-Z]\w*Model\(`)

// TestModelsAreBuiltInSvc: a domain receives the models it works on (its Tables) from svc, so it
// can be given others in a test and never decides on a cache configuration of its own.
func TestModelsAreBuiltInSvc(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testkit.RepoRoot(t), "apps/*/rpc/internal/*/*.go"))
	if err != nil || len(files) < 30 {
		t.Fatalf("%d files under apps/*/rpc/internal: %v", len(files), err)
	}
	built := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := len(modelBuilt.FindAll(b, -1))
		if filepath.Base(filepath.Dir(f)) == "svc" {
			built += n
		} else if n > 0 {
			t.Errorf("%s builds a goctl model: svc builds them and hands them to the domain", f)
		}
	}
	if built < 9 {
		t.Errorf("svc builds %d models, want every service's (9): is modelBuilt still matching?", built)
	}
}
