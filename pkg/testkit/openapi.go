package testkit

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zeromicro/go-zero/rest"
)

var pathParam = regexp.MustCompile(`/:([A-Za-z0-9_]+)`)

// CheckRoutesMatchOpenAPI fails unless the routes a gateway registers and the operations in its
// generated OpenAPI file (doc/api/<svc>.json) are the same set.
func CheckRoutesMatchOpenAPI(t testing.TB, routes []rest.Route, specFile string) {
	t.Helper()
	raw, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("%s: %v", specFile, err)
	}
	var documented, served []string
	for path, ops := range spec.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range routes {
		served = append(served, r.Method+" "+pathParam.ReplaceAllString(r.Path, "/{$1}"))
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("routes and %s disagree.\nserved:     %v\ndocumented: %v", specFile, served, documented)
	}
}
