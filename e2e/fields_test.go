package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"zeromall/pkg/testkit"
)

// roundTrips lists every route that edits a resource, with the route that reads it back. A new
// PUT or PATCH in any gateway's OpenAPI file must be added here (the test says so), so that every
// editable field is proven to be stored, not only accepted and echoed.
var roundTrips = map[string]string{
	"PUT /user/v1/me":                   "/user/v1/me",
	"PUT /order/v1/admin/products/{id}": "/order/v1/products/{id}",
}

// fieldSamples are valid values for fields whose rules a generic sample would break.
var fieldSamples = map[string]any{
	"nickname": "Round Trip",
}

type openAPISchema struct {
	Ref        string                   `json:"$ref"`
	Type       string                   `json:"type"`
	Properties map[string]openAPISchema `json:"properties"`
}

type openAPISpec struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			In     string        `json:"in"`
			Schema openAPISchema `json:"schema"`
		} `json:"parameters"`
	} `json:"paths"`
	Definitions map[string]openAPISchema `json:"definitions"`
}

func loadOpenAPI(t *testing.T, gateway string) openAPISpec {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "doc", "api", gateway+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec openAPISpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// editedFields returns the JSON body fields of an editing route, from its OpenAPI file.
func editedFields(t *testing.T, spec openAPISpec, method, path string) map[string]openAPISchema {
	t.Helper()
	for _, p := range spec.Paths[path][strings.ToLower(method)].Parameters {
		if p.In == "body" {
			return spec.Definitions[strings.TrimPrefix(p.Schema.Ref, "#/definitions/")].Properties
		}
	}
	t.Fatalf("%s %s has no JSON body in the OpenAPI file", method, path)
	return nil
}

func sampleValue(field, typ string) any {
	if v, ok := fieldSamples[field]; ok {
		return v
	}
	switch typ {
	case "integer", "number":
		return float64(42)
	case "boolean":
		return true
	default:
		return "rt-" + field
	}
}

// TestEveryEditingRouteHasARoundTrip keeps roundTrips complete.
func TestEveryEditingRouteHasARoundTrip(t *testing.T) {
	for _, gw := range []string{"user", "order", "payment"} {
		for path, ops := range loadOpenAPI(t, gw).Paths {
			for method := range ops {
				m := strings.ToUpper(method)
				if m != http.MethodPut && m != http.MethodPatch {
					continue
				}
				if _, ok := roundTrips[m+" "+path]; !ok {
					t.Errorf("%s %s (doc/api/%s.json) edits a resource: add it to roundTrips in e2e/fields_test.go", m, path, gw)
				}
			}
		}
	}
}

// everyEditableFieldRoundTrips sets every field the OpenAPI file lists for each editing route of
// the user gateway to a fresh value, and reads each one back from storage through the gateway.
// It catches a field that is accepted and echoed but never saved (doc/codegen.md, "Add a field").
func (e *userEnv) everyEditableFieldRoundTrips(t *testing.T) {
	a := e.register(t, e.base, "fields")
	roundTripGateway(t, "user", e.base, a.Token, nil)
}

// everyEditableFieldRoundTrips is the same for the order gateway's admin routes, on a new product.
func (e *orderEnv) everyEditableFieldRoundTrips(t *testing.T) {
	a := e.admin(t)
	created := call(t, http.MethodPost, e.base+"/order/v1/admin/products", a.Token, map[string]any{"title": "Round trip", "price": 1, "stock": 1})
	if created.Status != http.StatusOK {
		t.Fatalf("create: %d %s", created.Status, created.Raw)
	}
	roundTripGateway(t, "order", e.base, a.Token, strings.NewReplacer("{id}", fmt.Sprint(created.JSON["id"])))
}

// roundTripGateway runs every round trip of one gateway; ids fills the path parameters.
func roundTripGateway(t *testing.T, gateway, base, token string, ids *strings.Replacer) {
	t.Helper()
	if ids == nil {
		ids = strings.NewReplacer()
	}
	spec := loadOpenAPI(t, gateway)
	for route, readBack := range roundTrips {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := spec.Paths[path]; !ok {
			continue // another gateway's route
		}
		fields := editedFields(t, spec, method, path)
		if len(fields) == 0 {
			t.Fatalf("%s lists no fields", route)
		}
		body := map[string]any{}
		names := make([]string, 0, len(fields))
		for name, schema := range fields {
			body[name] = sampleValue(name, schema.Type)
			names = append(names, name)
		}
		sort.Strings(names)
		r := call(t, method, base+ids.Replace(path), token, body)
		if r.Status != http.StatusOK {
			t.Fatalf("%s with %v: %d %s (a new field may need a valid sample in fieldSamples)", route, body, r.Status, r.Raw)
		}
		back := call(t, http.MethodGet, base+ids.Replace(readBack), token, nil)
		for _, name := range names {
			if fmt.Sprint(r.JSON[name]) != fmt.Sprint(body[name]) {
				t.Errorf("%s answered %s=%v, sent %v", route, name, r.JSON[name], body[name])
			}
			if fmt.Sprint(back.JSON[name]) != fmt.Sprint(body[name]) {
				t.Errorf("%s then GET %s: %s=%v, sent %v: accepted but not stored", route, readBack, name, back.JSON[name], body[name])
			}
		}
		t.Logf("FIGURE %s round-tripped fields: %s", route, strings.Join(names, ", "))
	}
}
