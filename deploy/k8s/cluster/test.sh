#!/usr/bin/env bash
# make test-k8s: a fresh make k8s-up cluster (one left running is replaced), zeromall's images
# loaded, then deploy/k8scheck against it; the cluster is removed afterwards, also when a step
# fails (K8S_KEEP=1 keeps it for a look: export the KUBECONFIG and PATH that up.sh prints).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../../.. && pwd)
# shellcheck source=deploy/k8s/cluster/env.sh
. ./env.sh

./down.sh >/dev/null
[ -n "${K8S_KEEP:-}" ] || trap '"$HERE/down.sh"' EXIT
./up.sh
./images.sh
PATH=$(cat "$STATE/bin"):$PATH
export PATH
cd "$ROOT"
set -o pipefail
go test -count=1 -v -timeout 45m ./deploy/k8scheck 2>&1 | grep -E --line-buffered 'k8s:|\[apply\]|Warning|_test.go|^(--- |ok|FAIL|PASS|panic)'
