#!/usr/bin/env bash
# Loads zeromall's six images and the engines' local base images (make images-local builds both)
# from Docker into the test cluster's container runtime: there is no registry to pull from. The
# manifests' tags stay as they are (zeromall/<process>:dev).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=deploy/k8s/cluster/env.sh
. ./env.sh
# shellcheck source=/dev/null
. ../../docker/local-images.env

images=("$MYSQL_IMAGE" "$REDIS_IMAGE" "$ETCD_IMAGE" "$NATS_IMAGE" "$JAEGER_IMAGE")
for s in user order payment; do
	for k in rpc api; do images+=("${ZEROMALL_IMAGE_REPO:-zeromall}/$s-$k:${ZEROMALL_IMAGE_TAG:-dev}"); done
done
for i in "${images[@]}"; do
	docker image inspect "$i" >/dev/null 2>&1 || die "image $i is missing: make images-local builds it"
done
start=$SECONDS
docker save "${images[@]}" | ctr --address "$CONTAINERD_SOCK" --namespace k8s.io images import - >/dev/null
log "loaded ${#images[@]} images into the cluster's runtime ($((SECONDS - start)) s)"
