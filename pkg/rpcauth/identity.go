// Package rpcauth authenticates zeromall's processes to each other with mutual TLS and decides,
// per rpc method, which of them may call it.
//
// Every process has an identity: a certificate whose common name is the process name
// ("order-api", "payment-rpc", …), issued by a CA every process trusts. Servers ask for the
// caller's certificate; a Policy maps each method to the callers that need it.
//
// In development, when no files are configured, identities are derived from public seeds (the
// same in every process), so `make run`, Compose and the tests need no certificate step. Those
// keys are public: production refuses to start with them (see Config.Check).
package rpcauth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"zeromall/pkg/confx"

	"github.com/zeromicro/go-zero/zrpc"
)

// Config is a process's identity on the internal network.
type Config struct {
	// Name is the process name other processes' policies use, e.g. "order-api". A configured
	// certificate must carry it as its common name.
	Name string
	// CaFile is a PEM bundle of the CAs whose certificates are trusted (two during a rotation);
	// CertFile and KeyFile are this process's certificate (chain) and key. All three or none:
	// none means the public development identity, refused in production.
	CaFile   string `json:",optional"`
	CertFile string `json:",optional"`
	KeyFile  string `json:",optional"`
}

// Identity is a loaded Config: the certificate to present and the CAs to trust.
type Identity struct {
	Name  string
	cert  tls.Certificate
	roots *x509.CertPool
}

// Check loads the identity as Load does, so a bad one stops the process at startup.
func (c Config) Check(env confx.Env) error {
	_, err := c.Load(env)
	return err
}

// Load reads the configured files, or derives the development identity when none is set and
// env is development.
func (c Config) Load(env confx.Env) (*Identity, error) {
	if c.Name == "" {
		return nil, errors.New("RpcIdentity.Name is empty")
	}
	set := 0
	for _, f := range []string{c.CaFile, c.CertFile, c.KeyFile} {
		if f != "" {
			set++
		}
	}
	switch {
	case set == 0 && env == confx.Production:
		return nil, fmt.Errorf("RPC_TLS_CA_FILE, RPC_TLS_CERT_FILE and RPC_TLS_KEY_FILE are required when %s=production: "+
			"the development rpc identity is public", confx.EnvVar)
	case set == 0:
		return DevIdentity(c.Name)
	case set != 3:
		return nil, errors.New("set all of RPC_TLS_CA_FILE, RPC_TLS_CERT_FILE and RPC_TLS_KEY_FILE, or none")
	}
	return c.loadFiles(env)
}

func (c Config) loadFiles(env confx.Env) (*Identity, error) {
	caPEM, err := os.ReadFile(c.CaFile)
	if err != nil {
		return nil, fmt.Errorf("RPC_TLS_CA_FILE: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("RPC_TLS_CA_FILE %s: no PEM certificate in it", c.CaFile)
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("RPC_TLS_CERT_FILE/RPC_TLS_KEY_FILE: %w", err)
	}
	leaf := cert.Leaf
	if leaf.Subject.CommonName != c.Name {
		return nil, fmt.Errorf("RPC_TLS_CERT_FILE %s is for %q, this process is %q", c.CertFile, leaf.Subject.CommonName, c.Name)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates(cert),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}}); err != nil {
		return nil, fmt.Errorf("RPC_TLS_CERT_FILE %s is not trusted by RPC_TLS_CA_FILE: %w", c.CertFile, err)
	}
	if _, err := devCA().Verify(x509.VerifyOptions{Roots: roots}); err == nil && env == confx.Production {
		return nil, fmt.Errorf("RPC_TLS_CA_FILE trusts the public development CA: not allowed when %s=production", confx.EnvVar)
	}
	return &Identity{Name: c.Name, cert: cert, roots: roots}, nil
}

func intermediates(cert tls.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, der := range cert.Certificate[1:] {
		if c, err := x509.ParseCertificate(der); err == nil {
			pool.AddCert(c)
		}
	}
	return pool
}

// Development identities. Every key below is derived from a public seed: anyone can mint them.
var devEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func devKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("zeromall public development rpc identity: " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func devCATemplate() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "zeromall development rpc CA (public, never for production)"},
		NotBefore:             devEpoch,
		NotAfter:              devEpoch.AddDate(100, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
}

func devCA() *x509.Certificate {
	key := devKey("ca")
	der, err := x509.CreateCertificate(nil, devCATemplate(), devCATemplate(), key.Public(), key)
	if err != nil {
		panic(fmt.Sprintf("rpcauth: development CA: %v", err)) // a fixed template: cannot fail
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("rpcauth: development CA: %v", err))
	}
	return ca
}

func devRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(devCA())
	return pool
}

// DevIdentity is the public development identity of the process called name. Tests use it to
// play any process, which is exactly why production refuses it.
func DevIdentity(name string) (*Identity, error) {
	ca := devCA()
	key := devKey("process " + name)
	sum := sha256.Sum256([]byte(name))
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetUint64(binary.BigEndian.Uint64(sum[:8]) >> 1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    devEpoch,
		NotAfter:     devEpoch.AddDate(100, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(nil, tmpl, ca, key.Public(), devKey("ca"))
	if err != nil {
		return nil, fmt.Errorf("development identity %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("development identity %s: %w", name, err)
	}
	return &Identity{
		Name:  name,
		cert:  tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		roots: devRoots(),
	}, nil
}

// MustLoad is Load for the current environment (confx.CurrentEnv) in main functions and
// service contexts: config validation has already reported a bad identity, so failing here is
// a programming error.
func MustLoad(c Config) *Identity {
	env, err := confx.CurrentEnv()
	if err != nil {
		panic(err)
	}
	id, err := c.Load(env)
	if err != nil {
		panic(fmt.Sprintf("rpc identity: %v", err))
	}
	return id
}

// Client is the zrpc option that makes a client present this identity to the process called
// server.
func (id *Identity) Client(server string) zrpc.ClientOption {
	return zrpc.WithTransportCredentials(id.ClientCredentials(server))
}
