#!/usr/bin/env bash
# make k8s-up: a real single-node Kubernetes on this machine, as root, from upstream's components
# built by build.sh: etcd 3.6, kube-apiserver, kube-controller-manager, kube-scheduler, a kubelet on
# a containerd of its own (Debian's, beside Docker's, untouched), the CNI bridge, kube-proxy
# (iptables), clusterdns (the cluster's DNS) and metrics-server. The project's images and the
# engines' local base images are loaded into the runtime (no registry is needed). down.sh removes
# all of it. Each step is timed.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../../.. && pwd)
# shellcheck source=deploy/k8s/cluster/env.sh
. ./env.sh

[ "$(id -u)" = 0 ] || die "the test cluster runs as root (kubelet, containerd, iptables): sudo make k8s-up"
if [ -e "$STATE/up" ]; then
	kubectl_ok=$("$(cat "$STATE/bin")/kubectl" get --raw /readyz 2>/dev/null || true)
	[ "$kubectl_ok" = ok ] && { log "already up (make k8s-down removes it)"; exit 0; }
	log "a previous cluster did not stop cleanly: removing it first"
	"$HERE/down.sh"
fi

t0=$SECONDS
step_start=$SECONDS
step() {
	log "$1 ($((SECONDS - step_start)) s)"
	step_start=$SECONDS
}

"$ROOT/deploy/scripts/deps.sh" k8s docker compose >/dev/null
BIN=$("$HERE/build.sh")
step "binaries: $BIN"
NODE_IP=$(node_ip)
[ -n "$NODE_IP" ] || die "no IPv4 address with a route here: the node needs one"
mkdir -p "$STATE" "$RUN" "$LOGS" "$PKI" "$STATE/pid"
echo "$BIN" >"$STATE/bin"
echo "$NODE_IP" >"$STATE/node-ip"
export PATH=$BIN:$PATH

# The kubelet and kube-proxy set these host sysctls; down.sh puts them back.
for s in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys \
	kernel.keys.root_maxbytes net.ipv4.conf.all.route_localnet; do
	echo "$s=$(sysctl -n "$s")"
done >"$STATE/sysctl.saved"
# kube-proxy and the kubelet also create iptables tables that were not there (empty ones stay
# behind when their chains are removed), and /run/netns: down.sh removes what it finds new.
if command -v nft >/dev/null; then nft list tables >"$STATE/nft-tables.saved" 2>/dev/null || true; fi
[ -d /run/netns ] && touch "$STATE/netns-dir.saved"

# ---- certificates ------------------------------------------------------------------------
ca() { # name CN
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$PKI/$1.key" -out "$PKI/$1.crt" 2>/dev/null
}
leaf() { # name CA subject extendedKeyUsage [subjectAltName]
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$3" \
		-keyout "$PKI/$1.key" -out "$PKI/$1.csr" 2>/dev/null
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s' \
		"$4" "${5:+subjectAltName=$5}" >"$PKI/$1.ext"
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -CAcreateserial -days 365 \
		-extfile "$PKI/$1.ext" -out "$PKI/$1.crt" 2>/dev/null
	rm -f "$PKI/$1.csr" "$PKI/$1.ext"
}
ca ca "zeromall test cluster CA"
ca front-proxy-ca "zeromall test cluster front proxy CA"
leaf apiserver ca /CN=kube-apiserver serverAuth \
	"IP:127.0.0.1,IP:$NODE_IP,IP:$API_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
leaf apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
leaf front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
leaf kubelet ca "/CN=$NODE" serverAuth "IP:$NODE_IP,DNS:$NODE"
leaf admin ca "/O=system:masters/CN=zeromall-admin" clientAuth
leaf kube-controller-manager ca /CN=system:kube-controller-manager clientAuth
leaf kube-scheduler ca /CN=system:kube-scheduler clientAuth
leaf kube-proxy ca /CN=system:kube-proxy clientAuth
leaf node ca "/O=system:nodes/CN=system:node:$NODE" clientAuth
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
chmod 600 "$PKI"/*.key

kubeconfig() { # name cert
	local b64='base64 -w0'
	cat >"$STATE/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: zeromall-test
    cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority-data: $($b64 <"$PKI/ca.crt")}
users:
  - name: $2
    user: {client-certificate-data: $($b64 <"$PKI/$2.crt"), client-key-data: $($b64 <"$PKI/$2.key")}
contexts:
  - name: zeromall-test
    context: {cluster: zeromall-test, user: $2, namespace: zeromall}
current-context: zeromall-test
YAML
	chmod 600 "$STATE/$1.kubeconfig"
}
for c in admin kube-controller-manager kube-scheduler kube-proxy node; do kubeconfig "$c" "$c"; done
step "certificates and kubeconfigs (node $NODE at $NODE_IP)"

# ---- control plane -----------------------------------------------------------------------
start() { # name command…
	local name=$1
	shift
	setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
	echo $! >"$STATE/pid/$name"
}
wait_for() { # what seconds command…
	local what=$1 secs=$2
	shift 2
	for _ in $(seq 1 $((secs * 2))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	die "$what did not come up within $secs s; see $LOGS"
}

start etcd etcd --name zeromall-k8s --data-dir "$STATE/etcd" \
	--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
	--listen-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) --initial-advertise-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
	--initial-cluster zeromall-k8s=http://127.0.0.1:$((ETCD_PORT + 1)) --listen-metrics-urls "" \
	--quota-backend-bytes 2147483648
wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
	--bind-address 0.0.0.0 --secure-port "$API_PORT" --advertise-address "$NODE_IP" \
	--tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
	--kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
	--kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
	--service-account-issuer https://kubernetes.default.svc.cluster.local \
	--service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
	--service-cluster-ip-range "$SERVICE_CIDR" --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
	--requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
	--requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
	--requestheader-extra-headers-prefix X-Remote-Extra- \
	--proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
	--enable-aggregator-routing --allow-privileged --profiling=false
wait_for kube-apiserver 90 kubectl get --raw /readyz
step "etcd and kube-apiserver ready"

start kube-controller-manager kube-controller-manager --kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
	--authentication-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
	--authorization-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
	--bind-address 127.0.0.1 --leader-elect=false --controllers '*,-nodeipam' --use-service-account-credentials \
	--service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
	--cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
	--cluster-cidr "$CLUSTER_CIDR" --service-cluster-ip-range "$SERVICE_CIDR"
start kube-scheduler kube-scheduler --kubeconfig "$STATE/kube-scheduler.kubeconfig" \
	--authentication-kubeconfig "$STATE/kube-scheduler.kubeconfig" \
	--authorization-kubeconfig "$STATE/kube-scheduler.kubeconfig" --bind-address 127.0.0.1 --leader-elect=false

# ---- node: containerd, CNI, kubelet, kube-proxy ------------------------------------------
mkdir -p "$STATE/cni/net.d" "$STATE/containerd"
cat >"$STATE/cni/net.d/10-$CNI_NETWORK.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {"type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$STATE/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "firewall", "backend": "iptables"}
  ]
}
JSON
cat >"$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$RUN/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/zeromall/k8s-pause:cluster"
  # Processes here lack CAP_SYS_RESOURCE: without this, runc cannot set the sandbox's OOM score.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
TOML
start containerd containerd --config "$STATE/containerd/config.toml"
ctr() { command ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
wait_for containerd 30 ctr version
step "kube-controller-manager, kube-scheduler, containerd started"

cat >"$STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# cgroup v1 (this machine's hierarchy): cgroupfs, and Kubernetes 1.34 must be told to accept it.
cgroupDriver: cgroupfs
failCgroupV1: false
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
failSwapOn: false
podLogsDir: $STATE/pod-logs
volumePluginDir: $STATE/kubelet-plugins
serializeImagePulls: false
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
YAML
start kubelet kubelet --config "$STATE/kubelet.yaml" --kubeconfig "$STATE/node.kubeconfig" \
	--root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet-pki" --hostname-override "$NODE" --node-ip "$NODE_IP"

cat >"$STATE/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $STATE/kube-proxy.kubeconfig}
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $CLUSTER_CIDR
# Leave the host's conntrack sysctls alone.
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
YAML
start kube-proxy kube-proxy --config "$STATE/kube-proxy.yaml"
wait_for "the node" 90 kubectl get node "$NODE"
step "kubelet and kube-proxy started, node registered"

# ---- images ------------------------------------------------------------------------------
# The add-ons' images: a static binary each, nothing else.
addon_image() { # binary
	local dir
	dir=$(mktemp -d)
	cp "$BIN/$1" "$dir/"
	tar -C "$dir" -c . | docker import --change "ENTRYPOINT [\"/$1\"]" --change "USER 65534" - "zeromall/k8s-$1:cluster" >/dev/null
	rm -rf "$dir"
}
for b in pause clusterdns metrics-server; do addon_image "$b"; done
docker save zeromall/k8s-pause:cluster zeromall/k8s-clusterdns:cluster zeromall/k8s-metrics-server:cluster | ctr images import - >/dev/null
step "add-on images (pause, clusterdns, metrics-server) loaded into the runtime"

# ---- add-ons -----------------------------------------------------------------------------
kubectl apply -f "$HERE/addons.yaml" >/dev/null
kubectl wait --for=condition=Ready node/"$NODE" --timeout=120s >/dev/null
kubectl -n kube-system rollout status deploy/clusterdns --timeout=180s >/dev/null
kubectl -n kube-system rollout status deploy/metrics-server --timeout=180s >/dev/null
kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=120s >/dev/null
touch "$STATE/up"
step "node Ready; clusterdns and metrics-server available"
log "up in $((SECONDS - t0)) s. kubectl: export KUBECONFIG=$KUBECONFIG PATH=$BIN:\$PATH"
