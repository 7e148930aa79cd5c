// env.go tells development from production (ZEROMALL_ENV) and holds the checks a
// process runs at startup so that production never runs on development defaults.
//
// Production is the default: a binary started with no environment (the image, a copied config)
// refuses public secrets and development-only features instead of quietly serving with them.
// `make run`, `make dev`, Compose and the tests set ZEROMALL_ENV=development.

package confx

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/service"
	"github.com/zeromicro/go-zero/core/stores/cache"
)

// EnvVar is the environment variable that selects the environment.
const EnvVar = "ZEROMALL_ENV"

// Env is where a process runs.
type Env string

const (
	Development Env = "development"
	Production  Env = "production"
)

// devPrefix starts every development default secret in the configs: such a value is public.
const devPrefix = "dev-only-"

// CurrentEnv reads ZEROMALL_ENV; unset or empty means production.
func CurrentEnv() (Env, error) {
	switch v := os.Getenv(EnvVar); v {
	case "", string(Production):
		return Production, nil
	case string(Development):
		return Development, nil
	default:
		return "", fmt.Errorf("%s=%q: want development or production", EnvVar, v)
	}
}

// DevelopmentOnly is a development tool's first check (the API explorer, the sandbox provider):
// nil in development, otherwise an error that names ZEROMALL_ENV and why the tool refuses.
func DevelopmentOnly(why string) error {
	env, err := CurrentEnv()
	if err != nil {
		return err
	}
	if env == Production {
		return fmt.Errorf("not served: %s=production. %s", EnvVar, why)
	}
	return nil
}

// Getenv is the variable's value, or def when it is unset or empty.
func Getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Secret checks one secret, named by the variable that sets it: present, at least min bytes,
// and in production not a public development default.
func (e Env) Secret(variable, value string, min int) error {
	switch {
	case value == "":
		return fmt.Errorf("%s is not set", variable)
	case len(value) < min:
		return fmt.Errorf("%s is %d bytes: at least %d are required", variable, len(value), min)
	case e == Production && strings.HasPrefix(value, devPrefix):
		return fmt.Errorf("%s is the public development default: set your own when %s=production", variable, EnvVar)
	}
	return nil
}

// DSN checks a MySQL DSN's credentials: in production the password is a secret like any other
// (set, not a development default); in development the local root without password is fine.
func (e Env) DSN(variable, dsn string) error {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("%s: %w", variable, err)
	}
	if e != Production {
		return nil
	}
	if cfg.Passwd == "" || strings.HasPrefix(cfg.Passwd, devPrefix) || cfg.Passwd == "zeromall-dev" {
		return fmt.Errorf("%s has no password or a development one: set a real one when %s=production", variable, EnvVar)
	}
	return nil
}

// Service checks the settings every go-zero process shares: in production, no pprof on the dev
// server and no dev/test mode (which register gRPC reflection and turn load shedding off).
func (e Env) Service(c service.ServiceConf) error {
	if e != Production {
		return nil
	}
	if c.DevServer.Enabled && c.DevServer.EnablePprof {
		return fmt.Errorf("pprof is on (DevServer.EnablePprof, ZEROMALL_PPROF): it is development-only, not allowed when %s=production", EnvVar)
	}
	if c.Mode == service.DevMode || c.Mode == service.TestMode {
		return fmt.Errorf("mode %q (ZEROMALL_MODE, Mode) is development-only: not allowed when %s=production", c.Mode, EnvVar)
	}
	return nil
}

// minRedisPassword is the shortest Redis password production accepts.
const minRedisPassword = 16

// RedisPassword checks a Redis password: required in production (Redis holds session states
// and rate-limit counters), optional in development.
func (e Env) RedisPassword(variable, pass string) error {
	if e != Production {
		return nil
	}
	return e.Secret(variable, pass, minRedisPassword)
}

// CachePasswords is RedisPassword for every node of a go-zero cache.
func (e Env) CachePasswords(variable string, c cache.CacheConf) error {
	var errs []error
	for _, node := range c {
		errs = append(errs, e.RedisPassword(variable, node.Pass))
	}
	return errors.Join(errs...)
}

// inKubernetes is set by the kubelet in every container of a pod.
const inKubernetes = "KUBERNETES_SERVICE_HOST"

// TrustedProxies refuses, in production inside Kubernetes, a gateway that trusts no proxy: there
// its traffic comes through a Service or an ingress controller, so without the proxy's CIDRs every
// client would have the proxy's address and share one per-IP login and sign-up limit.
func (e Env) TrustedProxies(variable string, proxies []string) error {
	if e != Production || os.Getenv(inKubernetes) == "" || len(proxies) > 0 {
		return nil
	}
	return fmt.Errorf("%s is empty, but this gateway runs in Kubernetes behind a proxy: every client "+
		"would share the proxy's per-IP limits; set it to the ingress controller's pod CIDRs", variable)
}
