package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"zeromall/pkg/gateway"
	"zeromall/pkg/xerr"
)

// pluginInput is the part of goctl's plugin input (its parsed .api file) that apispec reads.
type pluginInput struct {
	Api struct {
		Types   []apiType
		Service struct{ Groups []group }
	}
	ApiFilePath string
	Dir         string
}

type group struct {
	Annotation struct{ Properties map[string]string }
	Routes     []route
}

type route struct {
	Method, Path string
	AtDoc        struct{ Properties map[string]string }
	RequestType  *apiType
}

type apiType struct {
	RawName string
	Members []member
}

type member struct{ Name, Tag string }

// jsonFields returns a type's JSON fields and whether each is required: neither optional (a
// request may leave it out) nor omitempty (an answer may leave it out).
func (t apiType) jsonFields() (names []string, required []bool) {
	for _, m := range t.Members {
		tag, ok := reflect.StructTag(strings.Trim(m.Tag, "`")).Lookup("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !ok || name == "-" {
			continue
		}
		optional := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "optional" || o == "omitempty" })
		names = append(names, name)
		required = append(required, !optional)
	}
	return names, required
}

type object = map[string]any

func complete(in pluginInput) error {
	name := strings.TrimSuffix(filepath.Base(in.ApiFilePath), ".api")
	file := filepath.Join(in.Dir, name+".json")
	raw, err := os.ReadFile(file) //nolint:gosec // the file goctl just wrote, named by the make gen command line
	if err != nil {
		return err
	}
	var doc object
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defs, _ := doc["definitions"].(object)
	if defs == nil {
		return fmt.Errorf("%s has no definitions: set useDefinitions: true in the .api file's info", file)
	}
	for _, t := range in.Api.Types {
		if def, ok := defs[t.RawName].(object); ok {
			markRequired(def, t)
		}
	}
	paths, _ := doc["paths"].(object)
	var pages []routePage
	for _, g := range in.Api.Service.Groups {
		for _, r := range g.Routes {
			path := swaggerPath(g.Annotation.Properties["prefix"], r.Path)
			op, ok := lookup(paths, path, strings.ToLower(r.Method))
			if !ok {
				return fmt.Errorf("%s: no operation %s %s", file, r.Method, path)
			}
			addMissingBody(op, r)
			answers, err := routeAnswers(g.Annotation.Properties["middleware"], r)
			if err != nil {
				return fmt.Errorf("%s %s: %w", r.Method, path, err)
			}
			addAnswers(op, answers)
			id, _ := op["operationId"].(string)
			summary, _ := op["summary"].(string)
			pages = append(pages, routePage{id: id, method: strings.ToUpper(r.Method), path: path, summary: summary, answers: answers})
		}
	}
	pruneDefinitions(doc)
	if err := writeRoutePage(filepath.Join(in.Dir, name+".md"), name, pages); err != nil {
		return err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return os.WriteFile(file, out.Bytes(), 0o644) //nolint:gosec // a published document, committed and read by everyone
}

func markRequired(def object, t apiType) {
	names, required := t.jsonFields()
	var req []any
	for i, n := range names {
		if required[i] {
			req = append(req, n)
		}
	}
	if len(req) == 0 {
		delete(def, "required")
		return
	}
	def["required"] = req
}

// addMissingBody describes a JSON body goctl left out: with useDefinitions it writes the body
// parameter of POST routes only (goctl v1.9.2), so a PUT's body was missing.
func addMissingBody(op object, r route) {
	if r.RequestType == nil {
		return
	}
	if names, _ := r.RequestType.jsonFields(); len(names) == 0 {
		return
	}
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if p, _ := p.(object); p["in"] == "body" {
			return
		}
	}
	op["parameters"] = append(params, object{
		"name": "body", "in": "body", "required": true,
		"schema": object{"$ref": "#/definitions/" + r.RequestType.RawName},
	})
}

// swaggerPath joins a group's prefix and a route's path, with {name} for :name.
func swaggerPath(prefix, path string) string {
	parts := strings.Split(strings.Trim(prefix, "/")+"/"+strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return "/" + strings.Trim(strings.Join(parts, "/"), "/")
}

func lookup(paths object, path, method string) (object, bool) {
	item, _ := paths[path].(object)
	op, ok := item[method].(object)
	return op, ok
}

// routeAnswers is every error a route can answer: its own (the .api file's errors) and the
// gateway's (pkg/httpresult's contract) for what the route has.
func routeAnswers(middlewares string, r route) ([]*xerr.CodeError, error) {
	answers := slices.Clone(gateway.EveryRoute)
	if r.RequestType != nil && len(r.RequestType.Members) > 0 {
		answers = append(answers, gateway.WithInput...)
		if body, _ := r.RequestType.jsonFields(); len(body) > 0 {
			answers = append(answers, gateway.WithBody...)
		}
	}
	for _, m := range strings.Split(middlewares, ",") {
		if m = strings.TrimSpace(m); m != "" {
			own, ok := gateway.ByMiddleware[m]
			if !ok {
				return nil, fmt.Errorf("middleware %s: pkg/httpresult's ByMiddleware does not say what it answers", m)
			}
			answers = append(answers, own...)
		}
	}
	for _, field := range strings.Fields(unquote(r.AtDoc.Properties["errors"])) {
		code, err := strconv.Atoi(field)
		if err != nil {
			return nil, fmt.Errorf("@doc errors: %q is not a code", field)
		}
		ce, ok := xerr.Lookup(code)
		if !ok {
			return nil, fmt.Errorf("@doc errors: %d is not declared in pkg/xerr", code)
		}
		answers = append(answers, ce)
	}
	// One of each code, by status then code.
	slices.SortFunc(answers, func(a, b *xerr.CodeError) int {
		if a.HTTPStatus != b.HTTPStatus {
			return a.HTTPStatus - b.HTTPStatus
		}
		return a.Code - b.Code
	})
	return slices.CompactFunc(answers, func(a, b *xerr.CodeError) bool { return a.Code == b.Code }), nil
}

// sendsRetryAfter reports whether ce's answers may carry Retry-After.
func sendsRetryAfter(ce *xerr.CodeError) bool {
	return slices.ContainsFunc(gateway.WithRetryAfter, func(c *xerr.CodeError) bool { return c.Code == ce.Code })
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// addAnswers writes one response per status: {code,msg} with code limited to the codes the route
// can answer with that status, each listed with its message.
func addAnswers(op object, answers []*xerr.CodeError) {
	byStatus := map[int][]*xerr.CodeError{}
	for _, ce := range answers {
		byStatus[ce.HTTPStatus] = append(byStatus[ce.HTTPStatus], ce)
	}
	responses, _ := op["responses"].(object)
	if ok, _ := responses["200"].(object); ok != nil && ok["description"] == "" {
		ok["description"] = "OK"
	}
	for status, ces := range byStatus {
		var codes []any
		var lines []string
		retryAfter := false
		for _, ce := range ces {
			codes = append(codes, ce.Code)
			lines = append(lines, fmt.Sprintf("%d: %s", ce.Code, ce.Msg))
			retryAfter = retryAfter || sendsRetryAfter(ce)
		}
		resp := object{
			"description": http.StatusText(status) + ". " + strings.Join(lines, "; "),
			"schema": object{
				"type":     "object",
				"required": []any{"code", "msg"},
				"properties": object{
					"code": object{"type": "integer", "enum": codes, "description": "the business code (doc/api.md)"},
					"msg":  object{"type": "string", "description": msgDescription(status)},
				},
			},
		}
		if retryAfter {
			resp["headers"] = object{"Retry-After": object{"type": "integer", "description": "seconds to wait before trying again"}}
		}
		responses[strconv.Itoa(status)] = resp
	}
}

// pruneDefinitions drops the definitions no operation uses (goctl defines every type, request
// types that are only path or query parameters among them).
func pruneDefinitions(doc object) {
	defs, _ := doc["definitions"].(object)
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case object:
			if ref, ok := v["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/definitions/")
				if !used[name] {
					used[name] = true
					walk(defs[name])
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc["paths"])
	for name := range defs {
		if !used[name] {
			delete(defs, name)
		}
	}
}

func msgDescription(status int) string {
	if status == http.StatusBadRequest {
		return "which field is wrong and why, e.g. \"items[0].quantity: must be at least 1\""
	}
	return "what went wrong, for a person to read"
}
