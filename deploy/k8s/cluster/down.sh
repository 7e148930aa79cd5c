#!/usr/bin/env bash
# make k8s-down: stops the test cluster of up.sh and removes everything it made: its processes and
# every container, the pods' mounts and network namespaces, the kubelet's cgroups, the iptables
# chains of kube-proxy and the CNI plugins (Docker's are left alone), the CNI bridge, the host
# sysctls the kubelet and kube-proxy changed, and the state directory. Safe to run twice.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
# shellcheck source=deploy/k8s/cluster/env.sh
. ./env.sh

[ "$(id -u)" = 0 ] || die "run as root: sudo make k8s-down"
t0=$SECONDS

stop() { # name [signal]
	local f=$STATE/pid/$1 pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	kill "-${2:-TERM}" "$pid" 2>/dev/null || { rm -f "$f"; return 0; }
	for _ in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$f"
}

# The node first, so nothing restarts what is removed; then every container, while containerd can
# still tear their networks down through the CNI plugins.
stop kube-proxy
stop kubelet
if [ -S "$CONTAINERD_SOCK" ]; then
	c() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
	for t in $(c tasks ls -q 2>/dev/null); do c tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
	sleep 1
	for t in $(c tasks ls -q 2>/dev/null); do c tasks delete -f "$t" >/dev/null 2>&1; done
fi
stop containerd
# containerd's shims outlive it; pods' processes are in the kubepods cgroups.
pkill -KILL -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null
for procs in /sys/fs/cgroup/*/kubepods*/ /sys/fs/cgroup/kubepods*/; do
	[ -d "$procs" ] || continue
	find "$procs" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
done
# The API server before etcd: stopped the other way round, it hangs.
stop kube-scheduler
stop kube-controller-manager
stop kube-apiserver
stop etcd

# Mounts (deepest first): overlay rootfs, shm, secrets and the kubelet's bind mount of its root dir.
awk '{ print $5 }' /proc/self/mountinfo | grep -E "^($STATE|$RUN|/run/netns/cni-|/var/run/netns/cni-)" |
	sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
rm -f /run/netns/cni-* 2>/dev/null

for procs in /sys/fs/cgroup/*/kubepods* /sys/fs/cgroup/kubepods*; do
	[ -d "$procs" ] && find "$procs" -depth -type d -exec rmdir {} + 2>/dev/null
done

# iptables: kube-proxy's KUBE-* and the CNI plugins' CNI-* chains, and the jumps to them.
for ipt in iptables ip6tables; do
	command -v "$ipt" >/dev/null || continue
	for table in filter nat mangle; do
		"$ipt-save" -t "$table" 2>/dev/null | grep -E '^-A [A-Z]+ .*-j (KUBE|CNI)-' | grep -Ev '^-A (KUBE|CNI)-' |
			sed 's/^-A /-D /' | while read -r rule; do eval "$ipt -t $table $rule" 2>/dev/null; done
		chains=$("$ipt-save" -t "$table" 2>/dev/null | awk '/^:(KUBE|CNI)-/ { print substr($1, 2) }')
		for ch in $chains; do "$ipt" -t "$table" -F "$ch" 2>/dev/null; done
		for ch in $chains; do "$ipt" -t "$table" -X "$ch" 2>/dev/null; done
	done
done
if [ -f "$STATE/nft-tables.saved" ]; then
	nft list tables 2>/dev/null | grep -vxFf "$STATE/nft-tables.saved" | while read -r _ family name; do
		# Only an empty one: nothing but its built-in chains.
		rules=$(nft -a list table "$family" "$name" 2>/dev/null | grep -c '# handle' || true)
		chains=$(nft list table "$family" "$name" 2>/dev/null | grep -c '^\s*chain ' || true)
		[ "$rules" -le $((chains + 1)) ] && nft delete table "$family" "$name" 2>/dev/null
	done
fi
[ -f "$STATE/netns-dir.saved" ] || rmdir /run/netns 2>/dev/null
ip link del "$CNI_BRIDGE" 2>/dev/null
ip link del kube-ipvs0 2>/dev/null

if [ -f "$STATE/sysctl.saved" ]; then
	while IFS= read -r kv; do sysctl -qw "$kv" 2>/dev/null; done <"$STATE/sysctl.saved"
fi
# Paths the kubelet uses whatever its root dir: its device-plugin socket directory and the
# symlinks to its pods' logs.
find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null
rmdir /var/log/containers 2>/dev/null
rm -rf /var/lib/kubelet/device-plugins /var/lib/kubelet/plugins_registry /var/lib/kubelet/plugins 2>/dev/null
rmdir /var/lib/kubelet /usr/libexec/kubernetes/kubelet-plugins/volume/exec /usr/libexec/kubernetes/kubelet-plugins/volume \
	/usr/libexec/kubernetes/kubelet-plugins /usr/libexec/kubernetes 2>/dev/null
rm -rf "$STATE" "$RUN"
log "down in $((SECONDS - t0)) s"
