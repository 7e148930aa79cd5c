package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/rpcauth"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/zrpc"
)

// Secrets every process of a test stack shares.
const (
	TestJWTSecret      = "zeromall-test-secret-0123456789abcdef"
	TestCallbackSecret = "zeromall-test-callback-secret-0123456789"
)

// Self, in a value passed to StartAPI, is replaced by the started gateway's base URL.
const Self = "{{self}}"

// Stack is the infrastructure of one test run (a private Redis, its own etcd and NATS, fresh
// MySQL databases) plus the service processes started on it.
type Stack struct {
	t     testing.TB
	Redis *Redis
	Etcd  *Etcd
	NATS  *NATS
	// MySQL, when set by ProxyMySQL, stands between the services and MySQL.
	MySQL *Proxy
	// Services lists every process started on the stack, in order.
	Services []*Service
	dsn      map[string]string
}

// ProxyMySQL routes the services' MySQL connections through a proxy a test can cut or slow.
// Call it before starting any service.
func (s *Stack) ProxyMySQL() *Proxy {
	s.t.Helper()
	s.MySQL = StartProxy(s.t, mysqlServer(s.t).Addr)
	return s.MySQL
}

// NewStack starts Redis, etcd and NATS for this test.
func NewStack(t testing.TB) *Stack {
	t.Helper()
	return &Stack{t: t, Redis: StartRedis(t), Etcd: StartEtcd(t), NATS: StartNATS(t), dsn: map[string]string{}}
}

// DSN returns the (lazily named) database DSN of a service, e.g. DSN("user").
func (s *Stack) DSN(service string) string {
	if dsn, ok := s.dsn[service]; ok {
		return dsn
	}
	dsn := NewDatabaseDSN(s.t, service)
	if s.MySQL != nil {
		cfg, _ := mysql.ParseDSN(dsn)
		cfg.Addr = s.MySQL.Addr
		dsn = cfg.FormatDSN()
	}
	s.dsn[service] = dsn
	return dsn
}

// Service is a started service process and where it listens.
type Service struct {
	*Process
	Addr    string // rpc listen address, or api host:port
	DevAddr string // dev server (/healthz, /metrics)
	URL     string // api base URL ("" for rpc)
}

// env is what every process of the stack shares; the services' YAML reads these variables.
func (s *Stack) env() map[string]string {
	return map[string]string{
		"ZEROMALL_ENV":            "development", // development rpc identities; the test secrets below
		"ZEROMALL_MODE":           "test",        // load shedding off: CI's busy CPUs must not shed test traffic
		"ETCD_ENDPOINT":           s.Etcd.Endpoint,
		"NATS_URL":                s.NATS.URL,
		"REDIS_ADDR":              s.Redis.Addr,
		"JWT_SECRET":              TestJWTSecret,
		"PAYMENT_CALLBACK_SECRET": TestCallbackSecret,
		"BCRYPT_COST":             "4",
		"REGISTER_LIMIT_IP":       "1000000", // every test user registers from 127.0.0.1
		"ORDER_PENDING_PER_USER":  "1000000", // load tests leave many orders of one user unpaid
		"LOG_LEVEL":               "info",
	}
}

// StartRPC builds and starts <service>-rpc on free ports; extra overrides environment variables.
func (s *Stack) StartRPC(service string, extra map[string]string) *Service {
	s.t.Helper()
	return s.start(service, "rpc", extra)
}

// StartAPI builds and starts <service>-api on free ports; extra overrides environment variables.
func (s *Stack) StartAPI(service string, extra map[string]string) *Service {
	s.t.Helper()
	return s.start(service, "api", extra)
}

// start runs apps/<service>/<kind> with its YAML, pointing it at this stack through the
// variables the YAML reads (<SERVICE>_RPC_LISTEN, <SERVICE>_API_PORT, ...).
func (s *Stack) start(service, kind string, extra map[string]string) *Service {
	s.t.Helper()
	name := service + "-" + kind
	prefix := strings.ToUpper(service + "_" + kind + "_")
	addrs := FreeAddrs(s.t, 2)
	svc := &Service{Addr: addrs[0], DevAddr: addrs[1]}
	env := s.env()
	env[prefix+"DEV_PORT"] = fmt.Sprint(Port(svc.DevAddr))
	if kind == "rpc" {
		env[prefix+"LISTEN"] = svc.Addr
		env[strings.ToUpper(service)+"_DB_DSN"] = s.DSN(service)
	} else {
		svc.URL = "http://" + svc.Addr
		env[prefix+"HOST"] = "127.0.0.1"
		env[prefix+"PORT"] = fmt.Sprint(Port(svc.Addr))
	}
	for k, v := range extra {
		env[k] = strings.ReplaceAll(v, Self, svc.URL)
	}
	bin := Build(s.t, "./apps/"+service+"/"+kind)
	svc.Process = StartProcess(s.t, name, bin, []string{"-f", "apps/" + service + "/" + kind + "/etc/" + name + ".yaml"}, env)
	svc.WaitHealthy(svc.DevAddr, 60*time.Second)
	s.Services = append(s.Services, svc)
	return svc
}

// StartPaymentAPI starts payment-api (extra overrides environment variables) and the
// development payment provider (deploy/sandbox) that its payUrl names: a POST to
// sandbox.URL+"/sandbox/pay/"+sn with the buyer's token pays that payment.
func (s *Stack) StartPaymentAPI(extra map[string]string) (api, sandbox *Service) {
	s.t.Helper()
	sandbox = &Service{Addr: FreeAddr(s.t)}
	sandbox.URL = "http://" + sandbox.Addr
	sandbox.DevAddr = sandbox.Addr
	withPayURL := map[string]string{"PAYMENT_PAY_URL": sandbox.URL + "/sandbox/pay/"}
	for k, v := range extra {
		withPayURL[k] = v
	}
	api = s.StartAPI("payment", withPayURL)
	env := s.env()
	env["SANDBOX_LISTEN"] = sandbox.Addr
	env["PAYMENT_API_URL"] = api.URL
	sandbox.Process = StartProcess(s.t, "sandbox", Build(s.t, "./deploy/sandbox"), nil, env)
	sandbox.WaitHealthy(sandbox.DevAddr, 30*time.Second)
	s.Services = append(s.Services, sandbox)
	return api, sandbox
}

// RPCClient dials the rpc server at addr (the process called server) as the process called as,
// with its public development identity, as that process would.
func RPCClient(t testing.TB, addr, as, server string) zrpc.Client {
	t.Helper()
	id, err := rpcauth.DevIdentity(as)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := zrpc.NewClient(zrpc.RpcClientConf{Endpoints: []string{addr}, Timeout: 5000}, id.Client(server))
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

// RPCIdentityFiles writes a fresh CA and a certificate for the process called name, as a
// production deployment would mount them, and returns the paths (CA, certificate, key).
func RPCIdentityFiles(t testing.TB, name string) (caFile, certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zeromall test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(file, kind string, der []byte) string {
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return write("ca.crt", "CERTIFICATE", caDER), write("tls.crt", "CERTIFICATE", leafDER), write("tls.key", "PRIVATE KEY", keyDER)
}
