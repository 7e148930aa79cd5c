package testkit

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BuildSetting returns a setting of deploy/build.env (GO_TAGS, GO_LDFLAGS): how every service
// binary is built, so that tests build what make run and the images build.
func BuildSetting(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(RepoRoot(t), "deploy", "build.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+"="); ok {
			return strings.Trim(v, `'"`)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("deploy/build.env sets no %s", name)
	return ""
}
