// Package confx is how a process reads its configuration: confx.go loads go-zero YAML with
// environment overrides, env.go tells development from production and refuses development
// defaults in production, tracing.go sets up go-zero's tracing.
//
// Values may say ${VAR} or ${VAR:-default}: the variable wins when set and non-empty, otherwise
// the default (dev-only values, documented as such) applies. go-zero's own conf.UseEnv has no
// defaults, which would leave every local run needing a dozen exported variables.
package confx

import (
	"fmt"
	"os"
	"regexp"

	"github.com/zeromicro/go-zero/core/conf"
)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// Expand replaces ${VAR} and ${VAR:-default} references using lookup.
func Expand(text string, lookup func(string) (string, bool)) string {
	return envRef.ReplaceAllStringFunc(text, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		if v, ok := lookup(m[1]); ok && v != "" {
			return v
		}
		return m[3]
	})
}

// Checked is a config that can say what the deployment environment (ZEROMALL_ENV) refuses in it,
// and what would not run. Check reports every problem at once (errors.Join), not the first.
type Checked interface {
	Check(env Env) error
}

// Load reads a YAML file, expands environment references and fills v, applying go-zero's
// defaults and validation (conf.LoadFromYamlBytes), exactly as conf.Load would; then, if v is
// Checked, it checks v against the current environment.
func Load(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config %s: %w", path, err)
	}
	if err := conf.LoadFromYamlBytes([]byte(Expand(string(raw), os.LookupEnv)), v); err != nil {
		return fmt.Errorf("load config %s: %w", path, err)
	}
	c, ok := v.(Checked)
	if !ok {
		return nil
	}
	env, err := CurrentEnv()
	if err != nil {
		return err
	}
	if err := c.Check(env); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// MustLoad is Load for main functions: it exits with the reason on error.
func MustLoad(path string, v any) {
	if err := Load(path, v); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
