package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/pluginpb"
)

// protocPlugin is one of the two protoc plugins make gen runs, with the line of its output that
// names protoc's version and what deploy/scripts/gen.sh rewrites that line to.
type protocPlugin struct {
	pkg        string // the plugin's main package, pinned in deploy/tools/go.mod
	file       string // its output for service s: fmt.Sprintf(file, s, s)
	line       *regexp.Regexp
	normalised string
}

var protocPlugins = []protocPlugin{
	{"google.golang.org/protobuf/cmd/protoc-gen-go", "%s/%s.pb.go",
		regexp.MustCompile(`(?m)^// \tprotoc +v[0-9.]+.*$`), "// \tprotoc        (normalised by make gen)"},
	{"google.golang.org/grpc/cmd/protoc-gen-go-grpc", "%s/%s_grpc.pb.go",
		regexp.MustCompile(`(?m)^// - protoc +v[0-9.]+.*$`), "// - protoc             (normalised by make gen)"},
}

// TestProtocVersion_OnlyTheNormalisedLineDependsOnIt is the proof behind normalising: protoc hands
// its plugins the parsed .proto and its own version (CodeGeneratorRequest.compiler_version). The
// test captures the request the installed protoc makes for each service, replays it to the
// pinned protoc-gen-go and protoc-gen-go-grpc claiming to be other protoc releases, and checks
// that after gen.sh's normalisation every answer is byte for byte the committed file. What it cannot cover: a
// future protoc parsing the same .proto into different descriptors (none has, for proto3 files).
func TestProtocVersion_OnlyTheNormalisedLineDependsOnIt(t *testing.T) {
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Fatal("protoc is missing: deploy/scripts/deps.sh protoc installs it (CI does)")
	}
	root, _ := filepath.Abs("..")
	dir := t.TempDir()
	build := exec.Command("go", "build", "-modfile=deploy/tools/go.mod", "-o", dir+"/",
		protocPlugins[0].pkg, protocPlugins[1].pkg)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the protoc plugins: %v\n%s", err, out)
	}
	capture := filepath.Join(dir, "protoc-gen-capture")
	//nolint:gosec // protoc runs the plugin: it must be executable
	if err := os.WriteFile(capture, []byte("#!/bin/sh\ncat > \"$CAPTURE\"\n# answer: supported_features = FEATURE_PROTO3_OPTIONAL\nprintf '\\020\\001'\n"), 0o700); err != nil {
		t.Fatal(err)
	}

	releases := []*pluginpb.Version{
		{Major: proto.Int32(3), Minor: proto.Int32(21), Patch: proto.Int32(12)},
		{Major: proto.Int32(4), Minor: proto.Int32(25), Patch: proto.Int32(3)},
		{Major: proto.Int32(5), Minor: proto.Int32(29), Patch: proto.Int32(3)},
		{Major: proto.Int32(6), Minor: proto.Int32(31), Patch: proto.Int32(0), Suffix: proto.String("rc1")},
	}
	for _, svc := range []string{"user", "order", "payment"} {
		reqFile := filepath.Join(dir, svc+".req")
		cmd := exec.Command(protoc, "--plugin=protoc-gen-capture="+capture, "--capture_out="+dir,
			"--proto_path=apps/"+svc+"/rpc", "apps/"+svc+"/rpc/"+svc+".proto")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CAPTURE="+reqFile)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("protoc %s: %v\n%s", svc, err, out)
		}
		raw, err := os.ReadFile(reqFile)
		if err != nil {
			t.Fatal(err)
		}
		var req pluginpb.CodeGeneratorRequest
		if err := proto.Unmarshal(raw, &req); err != nil {
			t.Fatal(err)
		}
		for _, p := range protocPlugins {
			name := fmt.Sprintf(p.file, svc, svc)
			want, err := os.ReadFile(filepath.Join(root, "apps", svc, "rpc", name))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range releases {
				req.CompilerVersion = v
				got := generate(t, filepath.Join(dir, filepath.Base(p.pkg)), &req)
				if !bytes.Contains(got, []byte(fmt.Sprintf("v%d.%d.%d", v.GetMajor(), v.GetMinor(), v.GetPatch()))) {
					t.Fatalf("%s: %v is not stamped; the replay is not exercising the version", name, v)
				}
				got = p.line.ReplaceAll(got, []byte(p.normalised))
				if !bytes.Equal(got, want) {
					t.Errorf("%s generated for protoc %v differs from the committed file beyond the version line", name, v)
				}
			}
		}
	}
}

// generate runs a protoc plugin on req and returns the one file it produced.
func generate(t *testing.T, plugin string, req *pluginpb.CodeGeneratorRequest) []byte {
	t.Helper()
	in, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(plugin)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", plugin, err)
	}
	var resp pluginpb.CodeGeneratorResponse
	if err := proto.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Error != nil || len(resp.File) != 1 {
		t.Fatalf("%s answered error %q with %d files", plugin, resp.GetError(), len(resp.File))
	}
	return []byte(resp.File[0].GetContent())
}
