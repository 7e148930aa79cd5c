package confx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	env := map[string]string{"SET": "value", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := map[string]string{
		"${SET}":                 "value",
		"${SET:-default}":        "value",
		"${UNSET:-default}":      "default",
		"${EMPTY:-default}":      "default",
		"${UNSET}":               "",
		"${UNSET:-}":             "",
		"a ${SET} b ${UNSET:-c}": "a value b c",
		"${UNSET:-root:@tcp(127.0.0.1:3306)/db?x=%27%2B00%3A00%27}": "root:@tcp(127.0.0.1:3306)/db?x=%27%2B00%3A00%27",
		"$SET and ${not valid}": "$SET and ${not valid}",
	}
	for in, want := range cases {
		if got := Expand(in, lookup); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoad_EnvOverridesAndDefaults(t *testing.T) {
	type config struct {
		Name    string
		Port    int
		Timeout time.Duration `json:",default=2s"`
		Secret  string
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "Name: ${CONFX_NAME:-dev}\nPort: ${CONFX_PORT:-8080}\nSecret: ${CONFX_SECRET:-dev-only}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONFX_PORT", "9999")
	t.Setenv("CONFX_SECRET", "from-env")
	var c config
	if err := Load(path, &c); err != nil {
		t.Fatal(err)
	}
	if c.Name != "dev" || c.Port != 9999 || c.Secret != "from-env" || c.Timeout != 2*time.Second {
		t.Fatalf("got %+v", c)
	}
}

func TestLoad_ReportsBadFiles(t *testing.T) {
	var c struct{ Port int }
	if err := Load(filepath.Join(t.TempDir(), "missing.yaml"), &c); err == nil {
		t.Error("missing file loaded")
	}
	path := filepath.Join(t.TempDir(), "bad.yaml")
	_ = os.WriteFile(path, []byte("Port: not-a-number\n"), 0o600)
	if err := Load(path, &c); err == nil {
		t.Error("mistyped value loaded")
	}
}

// checked refuses a short secret in production only, and a zero port anywhere.
type checked struct {
	Secret string
	Port   int
}

func (c checked) Check(env Env) error {
	var errs []error
	if env == Production && len(c.Secret) < 4 {
		errs = append(errs, errTooShort)
	}
	if c.Port == 0 {
		errs = append(errs, errNoPort)
	}
	return errors.Join(errs...)
}

var (
	errTooShort = errors.New("secret too short")
	errNoPort   = errors.New("port is zero")
)

func TestLoad_ChecksAgainstTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.yaml")
	_ = os.WriteFile(path, []byte("Secret: ${CONFX_V_SECRET:-abc}\nPort: ${CONFX_V_PORT:-0}\n"), 0o600)
	var c checked
	t.Setenv(EnvVar, "production")
	err := Load(path, &c)
	if !errors.Is(err, errTooShort) || !errors.Is(err, errNoPort) {
		t.Fatalf("production, short secret and no port: want both reported, got %v", err)
	}
	t.Setenv(EnvVar, "development")
	if err := Load(path, &c); !errors.Is(err, errNoPort) || errors.Is(err, errTooShort) {
		t.Fatalf("development: want only the port reported, got %v", err)
	}
	t.Setenv(EnvVar, "staging")
	if err := Load(path, &c); err == nil || !strings.Contains(err.Error(), "staging") {
		t.Fatalf("unknown environment: %v", err)
	}
	t.Setenv(EnvVar, "production")
	t.Setenv("CONFX_V_SECRET", "long enough")
	t.Setenv("CONFX_V_PORT", "80")
	if err := Load(path, &c); err != nil {
		t.Fatal(err)
	}
}
