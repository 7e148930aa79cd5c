package confx

import (
	"strings"
	"testing"

	"github.com/zeromicro/go-zero/core/service"
)

func TestCurrent_DefaultsToProduction(t *testing.T) {
	for value, want := range map[string]Env{"": Production, "production": Production, "development": Development} {
		t.Setenv(EnvVar, value)
		if got, err := CurrentEnv(); err != nil || got != want {
			t.Errorf("%s=%q: %v %v, want %v", EnvVar, value, got, err, want)
		}
	}
	t.Setenv(EnvVar, "prod")
	if _, err := CurrentEnv(); err == nil || !strings.Contains(err.Error(), "development or production") {
		t.Errorf("a misspelt environment: %v", err)
	}
}

func TestSecret(t *testing.T) {
	const dev = "dev-only-jwt-secret-change-me-0123456789"
	cases := []struct {
		env   Env
		value string
		want  string // "" for accepted
	}{
		{Production, "", "JWT_SECRET is not set"},
		{Production, "short", "at least 32"},
		{Production, dev, "public development default"},
		{Production, "a-real-secret-of-enough-bytes-0123456789", ""},
		{Development, dev, ""},
		{Development, "short", "at least 32"},
	}
	for _, c := range cases {
		err := c.env.Secret("JWT_SECRET", c.value, 32)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s %q: %v, want %q", c.env, c.value, err, c.want)
		}
	}
}

func TestDSN(t *testing.T) {
	if err := Production.DSN("ORDER_DB_DSN", "root:@tcp(127.0.0.1:3306)/zeromall_order"); err == nil || !strings.Contains(err.Error(), "ORDER_DB_DSN") {
		t.Errorf("no password in production: %v", err)
	}
	if err := Production.DSN("ORDER_DB_DSN", "app:s3cret-enough@tcp(db:3306)/zeromall_order"); err != nil {
		t.Errorf("a password in production: %v", err)
	}
	if err := Development.DSN("ORDER_DB_DSN", "root:@tcp(127.0.0.1:3306)/zeromall_order"); err != nil {
		t.Errorf("local root in development: %v", err)
	}
}

func TestService_NoPprofOrDevModeInProduction(t *testing.T) {
	var c service.ServiceConf
	c.Mode = service.ProMode
	c.DevServer.Enabled, c.DevServer.EnablePprof = true, true
	if err := Production.Service(c); err == nil || !strings.Contains(err.Error(), "ZEROMALL_PPROF") {
		t.Errorf("pprof in production: %v", err)
	}
	if err := Development.Service(c); err != nil {
		t.Errorf("pprof in development: %v", err)
	}
	c.DevServer.EnablePprof = false
	c.Mode = service.DevMode
	if err := Production.Service(c); err == nil || !strings.Contains(err.Error(), "ZEROMALL_MODE") {
		t.Errorf("dev mode in production: %v", err)
	}
}

// Behind a Kubernetes ingress with no trusted proxy, every client would be the ingress pod: one
// client's bad logins would throttle everyone.
func TestTrustedProxies_RequiredInKubernetesProduction(t *testing.T) {
	t.Setenv(inKubernetes, "10.96.0.1")
	err := Production.TrustedProxies("TRUSTED_PROXIES", nil)
	if err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES is empty") {
		t.Errorf("production in Kubernetes without proxies: %v", err)
	}
	if err := Production.TrustedProxies("TRUSTED_PROXIES", []string{"10.244.0.0/16"}); err != nil {
		t.Errorf("with the ingress CIDR: %v", err)
	}
	if err := Development.TrustedProxies("TRUSTED_PROXIES", nil); err != nil {
		t.Errorf("development: %v", err)
	}
	t.Setenv(inKubernetes, "")
	if err := Production.TrustedProxies("TRUSTED_PROXIES", nil); err != nil {
		t.Errorf("production outside Kubernetes, where the peer may be the client: %v", err)
	}
}
