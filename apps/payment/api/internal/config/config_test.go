package config

import (
	"strings"
	"testing"

	"zeromall/pkg/confx"
	"zeromall/pkg/testkit"
)

// productionEnv sets what a production deployment sets: real secrets and an rpc identity.
func productionEnv(t *testing.T) {
	t.Setenv("ZEROMALL_ENV", "production")
	t.Setenv("JWT_SECRET", strings.Repeat("j", 40))
	t.Setenv("PAYMENT_CALLBACK_SECRET", strings.Repeat("c", 40))
	t.Setenv("PAYMENT_PAY_URL", "https://pay.example.com/checkout/")
	t.Setenv("REDIS_PASSWORD", strings.Repeat("r", 20))
	ca, cert, key := testkit.RPCIdentityFiles(t, "payment-api")
	t.Setenv("RPC_TLS_CA_FILE", ca)
	t.Setenv("RPC_TLS_CERT_FILE", cert)
	t.Setenv("RPC_TLS_KEY_FILE", key)
}

func TestProductionExample_NoDefaultSecrets(t *testing.T) {
	path := testkit.RepoRoot(t) + "/deploy/prod/payment-api.yaml"
	t.Setenv("JWT_SECRET", "")
	t.Setenv("PAYMENT_CALLBACK_SECRET", "")
	var c Config
	if err := confx.Load(path, &c); err == nil {
		t.Fatal("production example loads without secrets")
	}

	productionEnv(t)
	if err := confx.Load(path, &c); err != nil {
		t.Fatal(err)
	}
	if c.Mode != "pro" || c.PayURL != "https://pay.example.com/checkout/" {
		t.Fatalf("production example: mode %s, PayURL %s", c.Mode, c.PayURL)
	}
}
