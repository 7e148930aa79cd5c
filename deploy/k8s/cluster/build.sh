#!/usr/bin/env bash
# Builds the test cluster's binaries from this module's pinned versions into a cache outside the
# repo, keyed by go.mod and go.sum: a second run with the same pins builds nothing. Prints the
# directory. Cold, on 2 cores, this takes 4-6 minutes (one go build shares the work).
set -euo pipefail
cd "$(dirname "$0")"

key=$(find . -name "*.go" -print0 | sort -z | xargs -0 cat go.mod go.sum | sha256sum | cut -c1-12)
k8s=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' go.mod)
dir=${ZEROMALL_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeromall/k8s}/$k8s-$key
bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd metrics-server clusterdns pause)

missing=0
for b in "${bins[@]}"; do [[ -x $dir/$b ]] || missing=1; done
if ((missing)); then
	echo "building Kubernetes $k8s, etcd and metrics-server into $dir (cold: 4-6 minutes on 2 cores)" >&2
	tmp=$dir.tmp.$$
	mkdir -p "$tmp"
	minor=${k8s#v1.}
	minor=${minor%%.*}
	ms=$(awk '$1 == "sigs.k8s.io/metrics-server" { print $2; exit }' go.mod)
	ms_minor=${ms#v0.}
	ms_minor=${ms_minor%%.*}
	# What upstream's release builds stamp: the version the binaries report, and client-go's, which
	# they send as their user agent (metrics-server reports client-go's).
	stamp() { # version minor
		local v
		for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
			printf -- '-X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean ' "$v" "$1" "$v" "${1%%.*}" "$v" "$2" "$v"
		done | sed 's/gitMajor=v/gitMajor=/'
	}
	start=$SECONDS
	export CGO_ENABLED=0
	go build -trimpath -ldflags "-s -w $(stamp "$k8s" "$minor")" -o "$tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet \
		k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl \
		go.etcd.io/etcd/server/v3 ./clusterdns ./pause
	go build -trimpath -ldflags "-s -w $(stamp "$ms" "$ms_minor")" -o "$tmp/" sigs.k8s.io/metrics-server/cmd/metrics-server
	mv "$tmp/server" "$tmp/etcd"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	# Binaries of other pins are of no further use (about 600 MB each).
	find "$(dirname "$dir")" -mindepth 1 -maxdepth 1 -type d ! -path "$dir" -exec rm -rf {} +
	echo "built in $((SECONDS - start)) s" >&2
fi
echo "$dir"
