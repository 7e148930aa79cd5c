package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"

	swaggerfiles "github.com/swaggo/files/v2"
)

// initializer replaces Swagger UI's stock swagger-initializer.js, which loads the petstore.
//
//go:embed swagger-initializer.js
var initializer []byte

// API is one gateway the explorer shows: its generated OpenAPI file and where a browser reaches it.
type API struct {
	Name    string // as the explorer's list shows it, e.g. user-api
	Spec    string // file name under the specs directory, e.g. user.json
	Gateway string // base URL, e.g. http://127.0.0.1:8888
}

// Explorer serves Swagger UI (the swaggo/files module embeds its distribution) over the gateways'
// OpenAPI files, each rewritten to send "Try it out" to its gateway.
type Explorer struct {
	specs  map[string][]byte // by API name
	config []byte
}

// New reads every API's spec from dir and points it at its gateway.
func New(dir string, apis []API) (*Explorer, error) {
	e := &Explorer{specs: map[string][]byte{}}
	files := os.DirFS(dir)
	var urls []map[string]string
	for _, a := range apis {
		raw, err := fs.ReadFile(files, a.Spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		spec, err := pointAt(raw, a.Gateway)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", a.Name, a.Spec, err)
		}
		e.specs[a.Name] = spec
		urls = append(urls, map[string]string{"name": a.Name, "url": "specs/" + a.Name + ".json"})
	}
	config, err := json.Marshal(map[string]any{
		"urls":                   urls,
		"deepLinking":            true,
		"persistAuthorization":   true, // one Authorize serves all three APIs (the same bearer scheme)
		"displayRequestDuration": true,
		"tryItOutEnabled":        true,
	})
	if err != nil {
		return nil, err
	}
	e.config = config
	return e, nil
}

// pointAt sends a Swagger 2.0 spec's requests to gateway: its host and scheme replace the
// generated ones (goctl writes https on every operation, and no host).
func pointAt(raw []byte, gateway string) ([]byte, error) {
	u, err := url.Parse(gateway)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("gateway %q: want http(s)://host:port", gateway)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	if spec["swagger"] != "2.0" {
		return nil, fmt.Errorf("not a Swagger 2.0 document")
	}
	spec["host"] = u.Host
	spec["schemes"] = []string{u.Scheme}
	paths, _ := spec["paths"].(map[string]any)
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			if op, ok := op.(map[string]any); ok {
				delete(op, "schemes")
			}
		}
	}
	return json.Marshal(spec)
}

// Handler serves the page, its assets, the config, the specs and /healthz.
func (e *Explorer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(swaggerfiles.FS))
	mux.HandleFunc("GET /swagger-initializer.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write(initializer)
	})
	mux.HandleFunc("GET /explorer-config.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, e.config)
	})
	mux.HandleFunc("GET /specs/{file}", func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		spec, found := e.specs[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, spec)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("OK"))
	})
	return mux
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}
