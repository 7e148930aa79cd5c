package config

import (
	"strings"
	"testing"

	"zeromall/pkg/confx"
	"zeromall/pkg/testkit"
)

func TestDevConfigEnablesTheSandbox(t *testing.T) {
	var c Config
	if err := confx.Load(testkit.RepoRoot(t)+"/apps/payment/api/etc/payment-api.yaml", &c); err != nil {
		t.Fatal(err)
	}
	if !c.Sandbox.Enabled || c.Sandbox.CallbackURL == "" {
		t.Fatalf("dev sandbox: %+v", c.Sandbox)
	}
}

func TestProductionExample_NoSandboxAndNoDefaultSecrets(t *testing.T) {
	path := testkit.RepoRoot(t) + "/deploy/prod/payment-api.yaml"
	t.Setenv("JWT_SECRET", "")
	t.Setenv("PAYMENT_CALLBACK_SECRET", "")
	var c Config
	if err := confx.Load(path, &c); err == nil {
		t.Fatal("production example loads without secrets")
	}

	t.Setenv("JWT_SECRET", strings.Repeat("j", 40))
	t.Setenv("PAYMENT_CALLBACK_SECRET", strings.Repeat("c", 40))
	t.Setenv("PAYMENT_PAY_URL", "https://pay.example.com/checkout/")
	if err := confx.Load(path, &c); err != nil {
		t.Fatal(err)
	}
	if c.Sandbox.Enabled || c.Mode != "pro" {
		t.Fatalf("production example: sandbox %v, mode %s", c.Sandbox.Enabled, c.Mode)
	}
}
