package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// workflow is the part of .github/workflows/ci.yml this test reads; actionlint (make lint)
// checks the rest of it against GitHub's schema.
type workflow struct {
	Jobs map[string]struct {
		RunsOn   string `yaml:"runs-on"`
		Services map[string]struct {
			Image string
			Ports []string
		}
		Steps []struct {
			Uses string
			Run  string
			With map[string]string
			Env  map[string]string
		}
	}
}

// The hosted workflow must run what .ci/run runs: the same Go, the same make targets (make test
// installs its own OS packages), MySQL and Redis where the tests look for them, Go's caches, and a
// vulnerability check that fails rather than skips when its database is unreachable.
func TestWorkflow_RunsWhatCIRunRuns(t *testing.T) {
	var w workflow
	readYAML(t, "../.github/workflows/ci.yml", &w)
	ciRun, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^deploy/scripts/deps\.sh`).Match(ciRun) {
		t.Error(".ci/run installs packages itself: make test must do it, as it does for a user")
	}
	makes := regexp.MustCompile(`(?m)^make ([a-z-]+)`).FindAllSubmatch(ciRun, -1)
	if len(makes) == 0 {
		t.Fatal(".ci/run runs no make target")
	}

	var runs []string
	var vulnEnv map[string]string
	images := map[string]string{}
	for name, job := range w.Jobs {
		if !strings.HasPrefix(job.RunsOn, "ubuntu-") {
			t.Errorf("job %s runs on %q: the scripts install with apt, so it must be an Ubuntu runner", name, job.RunsOn)
		}
		cached := false
		for _, s := range job.Steps {
			runs = append(runs, s.Run)
			if strings.HasPrefix(s.Uses, "actions/setup-go@") {
				cached = s.With["go-version-file"] == "go.mod" && s.With["cache-dependency-path"] != ""
			}
			if strings.Contains(s.Run, "make vuln") {
				vulnEnv = s.Env
			}
		}
		if !cached {
			t.Errorf("job %s: no actions/setup-go with go-version-file: go.mod and the module and build caches keyed on every go.sum", name)
		}
		for _, svc := range job.Services {
			images[svc.Image] = strings.Join(svc.Ports, ",")
		}
	}
	all := strings.Join(runs, "\n")
	if !strings.Contains(all, "GOTOOLCHAIN=$(awk") {
		t.Error("no step pins Go to go.mod's toolchain line as .ci/run does")
	}
	for _, m := range makes {
		if !regexp.MustCompile(`(?m)^make ` + string(m[1]) + `$`).MatchString(all) {
			t.Errorf("no step runs make %s as .ci/run does", m[1])
		}
	}
	if !regexp.MustCompile(`(?m)^make lint$`).MatchString(all) {
		t.Error("no step runs make lint on its own")
	}
	if vulnEnv["ZEROMALL_VULN_REQUIRED"] != "1" {
		t.Error("make vuln runs without ZEROMALL_VULN_REQUIRED=1: it would skip, not fail, without its database")
	}
	wantService := map[string]string{"mariadb:": "3306:3306", "redis:": "6379:6379"}
	for prefix, ports := range wantService {
		found := false
		for image, p := range images {
			found = found || strings.HasPrefix(image, prefix) && p == ports
		}
		if !found {
			t.Errorf("no service container %s… publishing %s (the tests' default address)", prefix, ports)
		}
	}
}

// Every Go module in the repository gets weekly updates, as do the workflow's actions and the
// images.
func TestDependabot_CoversEveryModuleWeekly(t *testing.T) {
	var d struct {
		Version int
		Updates []struct {
			Ecosystem   string   `yaml:"package-ecosystem"`
			Directory   string   `yaml:"directory"`
			Directories []string `yaml:"directories"`
			Schedule    struct{ Interval string }
		} `yaml:"updates"`
	}
	readYAML(t, "../.github/dependabot.yml", &d)
	if d.Version != 2 {
		t.Fatalf("dependabot.yml: version %d, want 2", d.Version)
	}
	covered := map[string][]string{}
	for _, u := range d.Updates {
		if u.Schedule.Interval != "weekly" {
			t.Errorf("%s updates %q, not weekly", u.Ecosystem, u.Schedule.Interval)
		}
		dirs := u.Directories
		if u.Directory != "" {
			dirs = append(dirs, u.Directory)
		}
		covered[u.Ecosystem] = append(covered[u.Ecosystem], dirs...)
	}
	out, err := exec.Command("git", "-C", "..", "ls-files", "*go.mod").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range strings.Fields(string(out)) {
		dir := "/" + filepath.Dir(mod)
		if dir == "/." {
			dir = "/"
		}
		if !slices.Contains(covered["gomod"], dir) {
			t.Errorf("Go module %s gets no dependency updates", dir)
		}
	}
	for _, eco := range []string{"github-actions", "docker", "docker-compose"} {
		if len(covered[eco]) == 0 {
			t.Errorf("no %s updates", eco)
		}
	}
}
