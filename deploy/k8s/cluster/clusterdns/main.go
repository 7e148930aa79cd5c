// Command clusterdns is the test cluster's DNS: it answers the cluster domain's A records from the
// API server's Services and EndpointSlices, as CoreDNS's kubernetes plugin does for the names
// zeromall uses, and forwards every other name to the node's resolver. CoreDNS is not available
// from the module proxy here; this is the equivalent the cluster's kubelet points pods at.
//
// Answered: <service>.<namespace>.svc.<domain> (the ClusterIP, or the ready endpoints' addresses
// of a headless Service) and <hostname>.<service>.<namespace>.svc.<domain> (a StatefulSet pod).
// Other types of a known name get an empty answer; unknown names in the domain NXDOMAIN.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listerscorev1 "k8s.io/client-go/listers/core/v1"
	listersdiscoveryv1 "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

func main() {
	listen := flag.String("listen", ":5353", "DNS address (UDP and TCP)")
	health := flag.String("health", ":8080", "HTTP address of /ready")
	domain := flag.String("domain", "cluster.local", "cluster domain")
	resolvConf := flag.String("resolv-conf", "/etc/resolv.conf", "where the upstream resolvers are")
	ttl := uint32(5)
	flag.Func("ttl", "TTL of the cluster's answers, in seconds (default 5)", func(v string) error {
		n, err := strconv.ParseUint(v, 10, 32)
		ttl = uint32(n)
		return err
	})
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	cfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("clusterdns: %v", err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("clusterdns: %v", err)
	}
	factory := informers.NewSharedInformerFactory(client, 10*time.Minute)
	z := &zone{
		domain:    dns.Fqdn(*domain),
		ttl:       ttl,
		services:  factory.Core().V1().Services().Lister(),
		endpoints: factory.Discovery().V1().EndpointSlices().Lister(),
		dirty:     true,
	}
	for _, inf := range []cache.SharedIndexInformer{
		factory.Core().V1().Services().Informer(),
		factory.Discovery().V1().EndpointSlices().Informer(),
	} {
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { z.invalidate() },
			UpdateFunc: func(any, any) { z.invalidate() },
			DeleteFunc: func(any) { z.invalidate() },
		}); err != nil {
			log.Fatalf("clusterdns: %v", err)
		}
	}
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			log.Fatalf("clusterdns: %v did not sync", typ)
		}
	}

	if up, err := dns.ClientConfigFromFile(*resolvConf); err == nil && len(up.Servers) > 0 {
		z.upstream = net.JoinHostPort(up.Servers[0], up.Port)
	}
	mux := dns.NewServeMux()
	mux.HandleFunc(".", z.serve)
	for _, network := range []string{"udp", "tcp"} {
		srv := &dns.Server{Addr: *listen, Net: network, Handler: mux}
		go func() { log.Fatalf("clusterdns: %s: %v", network, srv.ListenAndServe()) }()
	}
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	hs := &http.Server{Addr: *health, ReadHeaderTimeout: 5 * time.Second}
	go func() { log.Fatalf("clusterdns: %v", hs.ListenAndServe()) }()
	log.Printf("clusterdns: serving %s on %s, forwarding to %q", z.domain, *listen, z.upstream)
	<-ctx.Done()
}

type zone struct {
	domain    string
	ttl       uint32
	upstream  string
	services  listerscorev1.ServiceLister
	endpoints listersdiscoveryv1.EndpointSliceLister

	mu     sync.Mutex
	dirty  bool
	record map[string][]net.IP
}

func (z *zone) invalidate() {
	z.mu.Lock()
	z.dirty = true
	z.mu.Unlock()
}

// lookup returns a name's addresses and whether the name exists.
func (z *zone) lookup(name string) ([]net.IP, bool) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.dirty {
		z.record = z.build()
		z.dirty = false
	}
	ips, ok := z.record[name]
	return ips, ok
}

func (z *zone) build() map[string][]net.IP {
	rec := map[string][]net.IP{}
	svcs, err := z.services.List(labels.Everything())
	if err != nil {
		log.Printf("clusterdns: list services: %v", err)
		return rec
	}
	for _, s := range svcs {
		name := s.Name + "." + s.Namespace + ".svc." + z.domain
		if s.Spec.ClusterIP != "" && s.Spec.ClusterIP != corev1.ClusterIPNone {
			rec[name] = []net.IP{net.ParseIP(s.Spec.ClusterIP)}
			continue
		}
		rec[name] = nil
		slices, err := z.endpoints.EndpointSlices(s.Namespace).List(labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: s.Name}))
		if err != nil {
			continue
		}
		for _, sl := range slices {
			for _, ep := range sl.Endpoints {
				if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
					continue
				}
				for _, a := range ep.Addresses {
					ip := net.ParseIP(a)
					rec[name] = append(rec[name], ip)
					if ep.Hostname != nil {
						rec[*ep.Hostname+"."+name] = []net.IP{ip}
					}
				}
			}
		}
	}
	return rec
}

func (z *zone) serve(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		reply(w, new(dns.Msg).SetRcode(req, dns.RcodeFormatError))
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	if name != z.domain && !strings.HasSuffix(name, "."+z.domain) {
		z.forward(w, req)
		return
	}
	m := new(dns.Msg).SetReply(req)
	m.Authoritative = true
	ips, ok := z.lookup(name)
	if !ok {
		m.Rcode = dns.RcodeNameError
		reply(w, m)
		return
	}
	if q.Qtype == dns.TypeA || q.Qtype == dns.TypeANY {
		for _, ip := range ips {
			if ip4 := ip.To4(); ip4 != nil {
				m.Answer = append(m.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: z.ttl},
					A:   ip4,
				})
			}
		}
	}
	reply(w, m)
}

func (z *zone) forward(w dns.ResponseWriter, req *dns.Msg) {
	if z.upstream == "" {
		reply(w, new(dns.Msg).SetRcode(req, dns.RcodeServerFailure))
		return
	}
	c := &dns.Client{Net: w.RemoteAddr().Network(), Timeout: 2 * time.Second}
	resp, _, err := c.Exchange(req, z.upstream)
	if err != nil {
		reply(w, new(dns.Msg).SetRcode(req, dns.RcodeServerFailure))
		return
	}
	reply(w, resp)
}

func reply(w dns.ResponseWriter, m *dns.Msg) {
	if err := w.WriteMsg(m); err != nil {
		log.Printf("clusterdns: write: %v", err)
	}
}
