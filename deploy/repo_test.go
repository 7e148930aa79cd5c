package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// maxTrackedFile is the largest file the repository may hold; anything bigger is a build output,
// a dump or a dataset that belongs elsewhere.
const maxTrackedFile = 2 << 20

// executableMagic are the first bytes of the binaries a Go build leaves behind.
var executableMagic = map[string][]byte{
	"ELF":    []byte("\x7fELF"),
	"Mach-O": {0xcf, 0xfa, 0xed, 0xfe},
	"PE":     []byte("MZ"),
}

func TestRepository_NoLargeFilesOrBinariesAreTracked(t *testing.T) {
	root := filepath.Join("..")
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	if len(files) < 50 {
		t.Fatalf("git ls-files listed %d files: not the repository?", len(files))
	}
	for _, name := range files {
		path := filepath.Join(root, name)
		info, err := os.Lstat(path)
		if err != nil {
			continue // deleted in the work tree, not committed yet
		}
		if !info.Mode().IsRegular() {
			continue
		}
		if info.Size() > maxTrackedFile {
			t.Errorf("%s is %d bytes: tracked files stay under %d", name, info.Size(), maxTrackedFile)
		}
		head := make([]byte, 4)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := f.Read(head)
		f.Close()
		for kind, magic := range executableMagic {
			if bytes.HasPrefix(head[:n], magic) {
				t.Errorf("%s is an executable (%s): build outputs are ignored, never committed", name, kind)
			}
		}
	}
}

// goctl scaffolds a logic file for every new endpoint or rpc method with this marker; the stub
// compiles and answers 200 with empty data, so it must never reach main.
const scaffoldMarker = "todo: add your logic here"

func TestRepository_NoScaffoldedLogicStubsRemain(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "apps"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found %d Go files under apps/", len(files))
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(scaffoldMarker)) {
			t.Errorf("%s is still goctl's stub (%q): write the logic, or delete the file if the endpoint was removed", path, scaffoldMarker)
		}
	}
}
