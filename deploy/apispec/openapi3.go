package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
)

// convert writes the OpenAPI 3 form of a Swagger 2.0 file.
func convert(from, to string) error {
	raw, err := os.ReadFile(from) //nolint:gosec // a file named by the make gen command line
	if err != nil {
		return err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(raw, &v2); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	out, err := json.MarshalIndent(v3, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(to, append(out, '\n'), 0o644) //nolint:gosec // oapi-codegen's input, as public as its source
}
