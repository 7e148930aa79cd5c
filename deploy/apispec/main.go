// Command apispec completes the OpenAPI (Swagger 2.0) file goctl writes for a gateway, as a goctl
// api plugin that make gen runs after `goctl api swagger`:
//
//	goctl api plugin -plugin bin/apispec -api apps/order/api/order.api -dir doc/api
//
// goctl describes only a route's 200 answer and marks no answer field required. apispec adds
// every {code,msg} answer a route can give, from two sources: the codes its .api file names
// (@doc errors: "3001 3002") and the gateway's own answers (pkg/httpresult's contract), each
// with the status, message and Retry-After that pkg/xerr and pkg/httpresult declare. It marks
// every field without optional or omitempty required, and drops the definitions nothing uses.
//
// `apispec openapi3 <swagger.json> <out.json>` converts a file to OpenAPI 3 (for oapi-codegen).
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "apispec:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 3 && args[0] == "openapi3" {
		return convert(args[1], args[2])
	}
	if len(args) != 0 {
		return fmt.Errorf("usage: goctl api plugin -plugin apispec …, or apispec openapi3 <swagger.json> <out.json>")
	}
	var in pluginInput
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		return fmt.Errorf("read goctl's plugin input: %w", err)
	}
	return complete(in)
}
