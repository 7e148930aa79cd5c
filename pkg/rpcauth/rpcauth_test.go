package rpcauth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/confx"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

const checkMethod = "/grpc.health.v1.Health/Check"

// serve runs the gRPC health service as "order-rpc" under policy and returns its address.
func serve(t *testing.T, policy Policy) string {
	t.Helper()
	id, err := DevIdentity("order-rpc")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(grpc.Creds(id.ServerCredentials()),
		grpc.ChainUnaryInterceptor(policy.Unary), grpc.ChainStreamInterceptor(policy.Stream))
	healthpb.RegisterHealthServer(s, health.NewServer())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(s.Stop)
	return l.Addr().String()
}

func check(t *testing.T, addr string, creds credentials.TransportCredentials) codes.Code {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return status.Code(err)
}

func devIdentity(t *testing.T, name string) *Identity {
	t.Helper()
	id, err := DevIdentity(name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPolicy_OnlyTheNamedCallersGetThrough(t *testing.T) {
	addr := serve(t, Policy{checkMethod: {"payment-rpc"}})
	roots := devIdentity(t, "x").roots

	cases := []struct {
		name  string
		creds credentials.TransportCredentials
		want  codes.Code
	}{
		{"the named caller", devIdentity(t, "payment-rpc").ClientCredentials("order-rpc"), codes.OK},
		{"another service", devIdentity(t, "order-api").ClientCredentials("order-rpc"), codes.PermissionDenied},
		{"TLS without a certificate", credentials.NewTLS(tlsConfig(roots, "order-rpc")), codes.Unauthenticated},
		{"plaintext", insecure.NewCredentials(), codes.Unavailable},
		{"a certificate from another CA, offered", rogueCreds(t, false), codes.Unauthenticated},
		{"a certificate from another CA, forced", rogueCreds(t, true), codes.Unavailable},
		{"the right caller at the wrong service", devIdentity(t, "payment-rpc").ClientCredentials("user-rpc"), codes.Unavailable},
	}
	for _, c := range cases {
		if got := check(t, addr, c.creds); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPolicy_AnUnlistedMethodAcceptsNobody(t *testing.T) {
	addr := serve(t, Policy{"/other.Service/Method": {"payment-rpc"}})
	if got := check(t, addr, devIdentity(t, "payment-rpc").ClientCredentials("order-rpc")); got != codes.PermissionDenied {
		t.Fatalf("%v, want PermissionDenied", got)
	}
}

func TestDevIdentity_IsTheSameInEveryProcess(t *testing.T) {
	a, b := devIdentity(t, "user-api"), devIdentity(t, "user-api")
	if !a.cert.Leaf.Equal(b.cert.Leaf) || a.cert.Leaf.Subject.CommonName != "user-api" {
		t.Fatal("development identities differ between two derivations")
	}
	if bytes.Equal(devIdentity(t, "user-rpc").cert.Leaf.PublicKey.(ed25519.PublicKey), a.cert.Leaf.PublicKey.(ed25519.PublicKey)) {
		t.Fatal("two processes share a key")
	}
}

func TestLoad_ProductionRefusesTheDevelopmentIdentity(t *testing.T) {
	_, err := Config{Name: "order-api"}.Load(confx.Production)
	if err == nil || !strings.Contains(err.Error(), "RPC_TLS_CA_FILE") {
		t.Fatalf("no files in production: %v", err)
	}
	if _, err := (Config{Name: "order-api"}).Load(confx.Development); err != nil {
		t.Fatalf("no files in development: %v", err)
	}

	// The development CA written to files is still the development CA.
	dir := t.TempDir()
	dev := devIdentity(t, "order-api")
	c := Config{Name: "order-api", CaFile: writePEM(t, dir, "ca.pem", "CERTIFICATE", devCA().Raw),
		CertFile: writePEM(t, dir, "cert.pem", "CERTIFICATE", dev.cert.Certificate[0]),
		KeyFile:  writeKey(t, dir, dev.cert.PrivateKey)}
	if _, err := c.Load(confx.Production); err == nil || !strings.Contains(err.Error(), "development CA") {
		t.Fatalf("development CA from files in production: %v", err)
	}
}

func TestLoad_ReadsFilesAndChecksThem(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCA(t)
	leafDER, leafKey := newLeaf(t, ca, caKey, "order-api")
	c := Config{Name: "order-api", CaFile: writePEM(t, dir, "ca.pem", "CERTIFICATE", ca.Raw),
		CertFile: writePEM(t, dir, "cert.pem", "CERTIFICATE", leafDER), KeyFile: writeKey(t, dir, leafKey)}
	id, err := c.Load(confx.Production)
	if err != nil {
		t.Fatalf("a real identity in production: %v", err)
	}
	if id.Name != "order-api" {
		t.Fatalf("name %q", id.Name)
	}

	wrongName := c
	wrongName.Name = "payment-rpc"
	if _, err := wrongName.Load(confx.Production); err == nil || !strings.Contains(err.Error(), `is for "order-api"`) {
		t.Fatalf("a certificate for another process: %v", err)
	}
	partial := Config{Name: "order-api", CaFile: c.CaFile}
	if _, err := partial.Load(confx.Production); err == nil || !strings.Contains(err.Error(), "or none") {
		t.Fatalf("only some files: %v", err)
	}
	other, _ := newCA(t)
	untrusted := c
	untrusted.CaFile = writePEM(t, dir, "other.pem", "CERTIFICATE", other.Raw)
	if _, err := untrusted.Load(confx.Production); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("a certificate the CA file does not trust: %v", err)
	}
}

// rogueCreds holds a "payment-rpc" certificate from a CA the server does not trust. Offered, Go's
// client does not send it (the server names the CAs it accepts); forced, the handshake fails.
func rogueCreds(t *testing.T, force bool) credentials.TransportCredentials {
	t.Helper()
	ca, caKey := newCA(t)
	der, key := newLeaf(t, ca, caKey, "payment-rpc")
	cert := tlsCert(der, key)
	cfg := tlsConfig(devIdentity(t, "x").roots, "order-rpc")
	if force {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	} else {
		cfg.Certificates = []tls.Certificate{cert}
	}
	return credentials.NewTLS(cfg)
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}

func newLeaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func writePEM(t *testing.T, dir, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeKey(t *testing.T, dir string, key any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, "key.pem", "PRIVATE KEY", der)
}

func tlsConfig(roots *x509.CertPool, server string) *tls.Config {
	return &tls.Config{RootCAs: roots, ServerName: server, MinVersion: tls.VersionTLS13}
}

func tlsCert(der []byte, key *ecdsa.PrivateKey) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
