package main

import (
	"strings"
	"testing"
)

func TestRun_RefusesProduction(t *testing.T) {
	t.Setenv("ZEROMALL_ENV", "production")
	if err := run(); err == nil || !strings.Contains(err.Error(), "pays without money") {
		t.Fatalf("run in production: %v, want a refusal", err)
	}
}
