package k8scheck

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// kubectl runs kubectl (KUBECONFIG and PATH come from make test-k8s) and returns its output.
func kubectl(ctx context.Context, stdin []byte, args ...string) (string, error) {
	out, _, err := kubectlWarn(ctx, stdin, args...)
	return out, err
}

// kubectlWarn is kubectl that also returns the warnings the API server sent with its answer.
func kubectlWarn(ctx context.Context, stdin []byte, args ...string) (out string, warnings []string, err error) {
	cmd := exec.CommandContext(ctx, "kubectl", args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "Warning:") {
			warnings = append(warnings, line)
		}
	}
	if err != nil {
		return stdout.String(), warnings, fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), warnings, nil
}

// must is kubectl for a step that cannot go on without it.
func must(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := kubectl(ctx, nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustApply(t *testing.T, manifest string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := kubectl(ctx, []byte(manifest), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

// secretValue reads one key of a Secret in the namespace.
func secretValue(t *testing.T, secret, key string) string {
	t.Helper()
	b64 := must(t, "-n", ns, "get", "secret", secret, "-o", "jsonpath={.data."+key+"}")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) == 0 {
		t.Fatalf("secret %s has no %s: %v", secret, key, err)
	}
	return string(raw)
}

// pods lists the names of a process's running pods that are not terminating.
func pods(t *testing.T, process string) []string {
	t.Helper()
	out := must(t, "-n", ns, "get", "pods", "-l", "app.kubernetes.io/name="+process, "--field-selector=status.phase=Running",
		"-o", `jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{"\n"}{end}`)
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 1 {
			names = append(names, f[0])
		}
	}
	return names
}

// waitAvailable waits until the Deployment has rolled out completely.
func waitAvailable(t *testing.T, process string) {
	t.Helper()
	must(t, "-n", ns, "rollout", "status", "deployment/"+process, "--timeout=300s")
}
