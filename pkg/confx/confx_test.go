package confx

import (
	"errors"
	"os"
	"path/filepath"
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

type validated struct {
	Secret string
}

func (v validated) Validate() error {
	if len(v.Secret) < 4 {
		return errTooShort
	}
	return nil
}

var errTooShort = errors.New("secret too short")

func TestLoad_RunsValidate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.yaml")
	_ = os.WriteFile(path, []byte("Secret: ${CONFX_V_SECRET:-abc}\n"), 0o600)
	var v validated
	if err := Load(path, &v); !errors.Is(err, errTooShort) {
		t.Fatalf("short secret: %v", err)
	}
	t.Setenv("CONFX_V_SECRET", "long enough")
	if err := Load(path, &v); err != nil {
		t.Fatal(err)
	}
}
