# shellcheck shell=bash disable=SC2034  # the scripts that source this file use these
# Where the test cluster of make k8s-up lives and how it is addressed; sourced by up.sh, down.sh
# and apply.sh. Everything it writes is under STATE and RUN, plus what the kubelet, containerd
# and the CNI plugins write outside them, which down.sh removes too.
STATE=${ZEROMALL_K8S_STATE:-/var/lib/zeromall-k8s}
RUN=/run/zeromall-k8s
LOGS=$STATE/log
PKI=$STATE/pki
NODE=zeromall-node
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_IP=10.96.0.10
CNI_BRIDGE=zm-cni0
CNI_NETWORK=zeromall-pods
ETCD_PORT=2479
API_PORT=6443
CONTAINERD_SOCK=$RUN/containerd.sock
export KUBECONFIG=$STATE/admin.kubeconfig

# The node's own address: the API server refuses a loopback one, and pods reach the API server
# and the kubelet at it.
node_ip() {
	ip -4 route get 1.1.1.1 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit } }' ||
		true
}

log() { printf '[k8s] %s\n' "$*"; }
die() {
	printf '[k8s] error: %s\n' "$*" >&2
	exit 1
}
