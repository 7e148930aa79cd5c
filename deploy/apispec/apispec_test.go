package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"zeromall/pkg/testkit"
)

// goctlOutput is the shape of what goctl api swagger writes with useDefinitions: 200 only, every
// field required, and no body for a PUT.
const goctlOutput = `{
  "swagger": "2.0",
  "paths": {
    "/shop/v1/things": {"post": {"operationId": "thingsAdd", "summary": "Add a thing.",
      "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/AddReq"}}],
      "responses": {"200": {"description": "", "schema": {"$ref": "#/definitions/Thing"}}}}},
    "/shop/v1/things/{id}": {"put": {"operationId": "thingsEdit",
      "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}],
      "responses": {"200": {"description": "", "schema": {"$ref": "#/definitions/Thing"}}}}}
  },
  "definitions": {
    "AddReq": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "EditReq": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "IdReq": {"type": "object"},
    "Thing": {"type": "object", "required": ["id", "name", "note"], "properties": {
      "id": {"type": "integer"}, "name": {"type": "string"}, "note": {"type": "string"}}}
  }
}`

func field(name, tag string) member { return member{Name: name, Tag: "`" + tag + "`"} }

// sampleInput is what goctl passes for a shop.api with two routes behind Auth, and goctlOutput
// as the file goctl wrote; errors is the POST's @doc errors.
func sampleInput(t *testing.T, errors string) pluginInput {
	t.Helper()
	add := apiType{RawName: "AddReq", Members: []member{field("Name", `json:"name"`)}}
	edit := apiType{RawName: "EditReq", Members: []member{field("Id", `path:"id"`), field("Name", `json:"name,optional"`)}}
	thing := apiType{RawName: "Thing", Members: []member{field("Id", `json:"id"`), field("Name", `json:"name"`), field("Note", `json:"note,omitempty"`)}}
	post := route{Method: "post", Path: "/things", RequestType: &add}
	post.AtDoc.Properties = map[string]string{"errors": errors}
	var g group
	g.Annotation.Properties = map[string]string{"prefix": "/shop/v1", "middleware": "Auth"}
	g.Routes = []route{post, {Method: "put", Path: "/things/:id", RequestType: &edit}}
	in := pluginInput{ApiFilePath: "/x/shop.api", Dir: t.TempDir()}
	in.Api.Types = []apiType{add, edit, thing}
	in.Api.Service.Groups = []group{g}
	if err := os.WriteFile(filepath.Join(in.Dir, "shop.json"), []byte(goctlOutput), 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCompleteAddsAnswersRequiredFieldsAndTheMissingBody(t *testing.T) {
	in := sampleInput(t, "3002 3005")
	if err := complete(in); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(in.Dir, "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ In string }
			Responses  map[string]struct {
				Headers map[string]any
				Schema  struct {
					Properties struct{ Code struct{ Enum []int } }
				}
			}
		}
		Definitions map[string]struct{ Required []string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	add := doc.Paths["/shop/v1/things"]["post"]
	var statuses []string
	for s := range add.Responses {
		statuses = append(statuses, s)
	}
	slices.Sort(statuses)
	// 3002 and 3005 are 409s (pkg/xerr); Auth adds 401 and 403, a body 400, 413 and 415.
	if want := []string{"200", "400", "401", "403", "409", "413", "415", "500", "503", "504"}; !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if got := add.Responses["409"].Schema.Properties.Code.Enum; !slices.Equal(got, []int{3002, 3005}) {
		t.Errorf("409 codes %v, want [3002 3005]", got)
	}
	if got := add.Responses["401"].Schema.Properties.Code.Enum; !slices.Equal(got, []int{1401, 2006}) {
		t.Errorf("401 codes %v, want [1401 2006]", got)
	}
	if add.Responses["503"].Headers["Retry-After"] == nil || add.Responses["409"].Headers != nil {
		t.Errorf("Retry-After belongs on the 503 only: %s", raw)
	}
	if got := doc.Definitions["Thing"].Required; !slices.Equal(got, []string{"id", "name"}) {
		t.Errorf("Thing requires %v, want [id name] (note is omitempty)", got)
	}
	edit := doc.Paths["/shop/v1/things/{id}"]["put"]
	if !slices.ContainsFunc(edit.Parameters, func(p struct{ In string }) bool { return p.In == "body" }) {
		t.Errorf("the PUT's body is still missing: %+v", edit.Parameters)
	}
	if got := doc.Definitions["EditReq"].Required; len(got) != 0 {
		t.Errorf("EditReq requires %v; its one JSON field is optional", got)
	}
	if _, ok := doc.Definitions["IdReq"]; ok {
		t.Error("an unused definition was kept")
	}
	page, err := os.ReadFile(filepath.Join(in.Dir, "shop.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<a id="thingsAdd"></a>`) || !strings.Contains(string(page), "| 409 | 3005 |") {
		t.Errorf("the route page lacks thingsAdd's answers:\n%s", page)
	}
}

func TestCompleteRefusesWhatItCannotDescribe(t *testing.T) {
	for errors, want := range map[string]string{"3002 99999": "99999 is not declared", "oops": `"oops" is not a code`} {
		if err := complete(sampleInput(t, errors)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors %q: got %v, want %q", errors, err, want)
		}
	}
	in := sampleInput(t, "")
	in.Api.Service.Groups[0].Annotation.Properties["middleware"] = "Auth,Mystery"
	if err := complete(in); err == nil || !strings.Contains(err.Error(), "middleware Mystery") {
		t.Errorf("an undeclared middleware: got %v", err)
	}
}

var routeLink = regexp.MustCompile(`\(api/(\w+)\.md#(\w+)\)`)

// doc/api.md links every route of the OpenAPI files to its section of the generated pages, once.
func TestAPIDocLinksEveryRoute(t *testing.T) {
	root := testkit.RepoRoot(t)
	md, err := os.ReadFile(filepath.Join(root, "doc", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]int{}
	for _, m := range routeLink.FindAllStringSubmatch(string(md), -1) {
		linked[m[1]+"#"+m[2]]++
	}
	for _, gw := range []string{"user", "order", "payment"} {
		raw, err := os.ReadFile(filepath.Join(root, "doc", "api", gw+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			Paths map[string]map[string]struct{ OperationID string }
		}
		if err := json.Unmarshal(raw, &spec); err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(filepath.Join(root, "doc", "api", gw+".md"))
		if err != nil {
			t.Fatal(err)
		}
		for path, ops := range spec.Paths {
			for method, op := range ops {
				key := gw + "#" + op.OperationID
				if linked[key] != 1 {
					t.Errorf("doc/api.md links %s %s (api/%s.md) %d times, want once", strings.ToUpper(method), path, key, linked[key])
				}
				if !strings.Contains(string(page), `<a id="`+op.OperationID+`"></a>`) {
					t.Errorf("doc/api/%s.md has no section %s", gw, op.OperationID)
				}
				delete(linked, key)
			}
		}
	}
	for key := range linked {
		t.Errorf("doc/api.md links %s, which no OpenAPI file has", key)
	}
}
