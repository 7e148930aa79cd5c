package deploy

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zeromall/pkg/testkit"
)

// servicePackages are the main packages that ship in images.
var servicePackages = []string{
	"./apps/user/rpc", "./apps/user/api", "./apps/order/rpc", "./apps/order/api",
	"./apps/payment/rpc", "./apps/payment/api", "./deploy/explorer", "./deploy/sandbox",
}

// With deploy/build.env's tags, no service links the Kubernetes client (go-zero's zrpc resolver,
// left out by no_k8s) or gRPC's x/net/trace pages (grpcnotrace).
func TestBuildTags_LeaveOutKubernetesClientAndGRPCTrace(t *testing.T) {
	tags := testkit.BuildSetting(t, "GO_TAGS")
	args := append([]string{"list", "-deps", "-tags", tags}, servicePackages...)
	cmd := exec.Command("go", args...)
	cmd.Dir = testkit.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "k8s.io/") || strings.HasPrefix(pkg, "sigs.k8s.io/") || pkg == "golang.org/x/net/trace" {
			t.Errorf("a service links %s with -tags %s", pkg, tags)
		}
	}
}

// With no_k8s a k8s:// target cannot resolve: no config, manifest or Compose file may name one.
func TestBuildTags_NoConfigNamesAKubernetesTarget(t *testing.T) {
	repo := os.DirFS(testkit.RepoRoot(t))
	configs := regexp.MustCompile(`\.(ya?ml|json|env|conf)$|Dockerfile$`)
	for _, dir := range []string{"apps", "deploy"} {
		err := fs.WalkDir(repo, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !configs.MatchString(path) {
				return err
			}
			raw, err := fs.ReadFile(repo, path)
			if err != nil {
				return err
			}
			if strings.Contains(string(raw), "k8s://") {
				t.Errorf("%s names a k8s:// target; the services are built with no_k8s and find each other through etcd", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Every place that builds a service binary takes the tags from deploy/build.env, not a copy.
func TestBuildTags_EveryServiceBuildUsesBuildEnv(t *testing.T) {
	root := testkit.RepoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "deploy/scripts/*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(root, "Makefile"), filepath.Join(root, "modd.conf"), filepath.Join(root, "deploy/Dockerfile"))
	builds := regexp.MustCompile(`go build .*(\./apps/|\./deploy/explorer)`)
	found := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if !builds.MatchString(line) {
				continue
			}
			found++
			if !strings.Contains(line, "GO_TAGS") {
				t.Errorf("%s:%d builds a service without deploy/build.env's GO_TAGS: %s", f, n, strings.TrimSpace(line))
			}
		}
		fh.Close()
	}
	if found < 6 {
		t.Fatalf("found %d service builds; the pattern no longer matches how services are built", found)
	}
}

// go.mod's toolchain line is the one Go version: the Dockerfile's default build image carries it
// (images.sh passes it explicitly, .ci/run sets GOTOOLCHAIN from it).
func TestGoVersion_OneToolchainEverywhere(t *testing.T) {
	root := testkit.RepoRoot(t)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no toolchain line")
	}
	version := string(m[1])
	df, err := os.ReadFile(filepath.Join(root, "deploy/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ARG GO_IMAGE=golang:" + version + "-bookworm"; !strings.Contains(string(df), want) {
		t.Errorf("deploy/Dockerfile lacks %q (go.mod's toolchain)", want)
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci/run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "GOTOOLCHAIN") {
		t.Error(".ci/run does not take its Go from go.mod's toolchain line (GOTOOLCHAIN)")
	}
}

// A reachable reflective method lookup the linker cannot resolve (reflect.Value.Method, or
// MethodByName with a computed name) makes it keep every exported method of every type: under
// Go 1.26, google.golang.org/protobuf v1.36.11 did that and made every binary 7.7 MB larger. The
// linker's dependency dump marks such a function <ReflectMethod>.
func TestBuild_LinkerRemovesUnusedMethods(t *testing.T) {
	cmd := exec.Command("go", "build", "-tags", testkit.BuildSetting(t, "GO_TAGS"), "-ldflags=-dumpdep", "-o", os.DevNull, "./apps/order/rpc")
	cmd.Dir = testkit.RepoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.Contains(line, "<ReflectMethod>") {
			t.Fatalf("order-rpc reaches a reflective method lookup, so the linker keeps every exported method: %s", strings.TrimSpace(line))
		}
	}
}

// The sandbox provider pays without money: it is a development process of its own
// (deploy/sandbox), and nothing of it is linked into the payment-api that production runs: no
// symbol (go tool nm), no source file, route or setting (the binary's bytes) names it.
func TestBuild_ProductionPaymentAPIHasNoSandbox(t *testing.T) {
	paymentAPI := buildTo(t, "./apps/payment/api")
	out, err := exec.Command("go", "tool", "nm", paymentAPI).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		if strings.Contains(strings.ToLower(line), "sandbox") {
			t.Errorf("payment-api links sandbox code: %s", strings.TrimSpace(line))
		}
	}
	if n := sandboxMentions(t, paymentAPI); n != 0 {
		t.Errorf("payment-api's binary names the sandbox %d times", n)
	}
	// The byte check can fail: the sandbox's own binary is found out by it.
	if sandboxMentions(t, buildTo(t, "./deploy/sandbox")) == 0 {
		t.Error("no mention of the sandbox even in deploy/sandbox's binary: the check above proves nothing")
	}
}

func buildTo(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-tags", testkit.BuildSetting(t, "GO_TAGS"), "-o", bin, pkg)
	cmd.Dir = testkit.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%.2000s", pkg, err, out)
	}
	return bin
}

func sandboxMentions(t *testing.T, bin string) int {
	t.Helper()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(bytes.ToLower(b), []byte("sandbox"))
}
