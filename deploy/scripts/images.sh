#!/usr/bin/env bash
# Builds zeromall's six images from deploy/Dockerfile: one build stage compiles every process, then
# each image takes its binary from it (make images).
#   deploy/scripts/images.sh           the Dockerfile's public base image (golang from a registry)
#   deploy/scripts/images.sh --local   on a machine without a registry (make images-local): first
#       makes the base images from Debian bookworm's packages with mmdebstrap and docker import,
#       the Go image with this machine's own Go toolchain, then runs the same Dockerfile on them.
#       A base image already present is kept (--rebuild-bases makes them again).
# Tags: ${ZEROMALL_IMAGE_REPO:-zeromall}/<service>-<kind>:${ZEROMALL_IMAGE_TAG:-dev}.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/build.env
. deploy/build.env

REPO=${ZEROMALL_IMAGE_REPO:-zeromall}
TAG=${ZEROMALL_IMAGE_TAG:-dev}
SERVICES=${SERVICES:-user order payment}
LOCAL_ENV=deploy/docker/local-images.env
SUITE=bookworm

local_bases="" rebuild=""
for arg in "$@"; do
	case $arg in
	--local) local_bases=1 ;;
	--rebuild-bases) rebuild=1 ;;
	*) echo "usage: $0 [--local [--rebuild-bases]]" >&2; exit 2 ;;
	esac
done

log() { printf '[images] %s\n' "$*"; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }
since() { echo "$(($(date +%s) - $1))s"; }

# The Dockerfile's cache mounts need BuildKit: Docker 23+ has it through buildx; older clients (such
# as Debian's docker.io) through DOCKER_BUILDKIT=1. A machine may have a newer client without buildx
# beside an older one that has BuildKit built in, so try each client found.
builder=""
for c in docker /usr/bin/docker; do
	if command -v "$c" >/dev/null && DOCKER_BUILDKIT=1 "$c" build --help >/dev/null 2>&1; then
		builder=$c
		break
	fi
done
[ -n "$builder" ] || die "no Docker client with BuildKit here: install the buildx plugin (docker-buildx)"
build() { DOCKER_BUILDKIT=1 "$builder" build --progress=plain "$@"; }

# base TAG PACKAGES [mmdebstrap options…] -- [docker import --change options…]
base() {
	local tag=$1 pkgs=$2 start
	shift 2
	local mm=() imp=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do mm+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	imp=("$@")
	if [ -z "$rebuild" ] && docker image inspect "$tag" >/dev/null 2>&1; then
		log "$tag: present"
		return
	fi
	start=$(date +%s)
	log "$tag: mmdebstrap $SUITE with $pkgs"
	mmdebstrap --quiet --variant=essential --include="$pkgs" \
		--aptopt='APT::Install-Recommends "false"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
		"${mm[@]}" "$SUITE" - | docker import "${imp[@]}" - "$tag" >/dev/null
	log "$tag: made in $(since "$start")"
}

# The hooks' "$1" is mmdebstrap's: the root of the tree it is making.
# shellcheck disable=SC2016
local_bases() {
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: deploy/scripts/deps.sh compose installs it"
	# shellcheck source=/dev/null
	. "$LOCAL_ENV"
	local goroot path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# go.mod's toolchain, fetched through the module proxy if this machine's Go is another version.
	goroot=$(GOTOOLCHAIN=$GO_TOOLCHAIN go env GOROOT)
	GO_IMAGE=zeromall-local/golang:${GO_TOOLCHAIN#go}-$SUITE
	# The machine's own CA bundle: it reaches the Go module proxy through whatever it trusts.
	base "$GO_IMAGE" ca-certificates \
		--customize-hook='upload /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt' \
		--customize-hook='mkdir -p "$1/usr/local/go"' --customize-hook="sync-in $goroot /usr/local/go" -- \
		--change "ENV PATH=/usr/local/go/bin:/go/bin:$path" --change 'ENV GOPATH=/go' --change 'ENV GOTOOLCHAIN=local'
	# The package's postinst initialises a data directory; the entry point makes one on first start.
	base "$MYSQL_IMAGE" mariadb-server,mariadb-client \
		--customize-hook='rm -rf "$1"/var/lib/mysql/*' \
		--customize-hook='copy-in deploy/docker/mariadb-entrypoint.sh /usr/local/bin' -- \
		--change "ENV PATH=$path" --change 'ENTRYPOINT ["/usr/local/bin/mariadb-entrypoint.sh"]' \
		--change 'VOLUME /var/lib/mysql' --change 'EXPOSE 3306'
	base "$REDIS_IMAGE" redis-server \
		--customize-hook='chroot "$1" sh -c "mkdir -p /data && chown redis:redis /data"' -- \
		--change "ENV PATH=$path" --change 'USER redis' --change 'WORKDIR /data' --change 'VOLUME /data' \
		--change 'CMD ["redis-server"]' --change 'EXPOSE 6379'
	base "$ETCD_IMAGE" etcd-server,etcd-client -- \
		--change "ENV PATH=$path" --change 'CMD ["etcd"]' --change 'EXPOSE 2379 2380'
	# wget: Compose's health check of the broker, as the official alpine image has it.
	base "$NATS_IMAGE" nats-server,wget \
		--customize-hook='chroot "$1" sh -c "mkdir -p /data && chown nobody:nogroup /data"' -- \
		--change "ENV PATH=$path" --change 'USER nobody' --change 'WORKDIR /data' --change 'VOLUME /data' \
		--change 'ENTRYPOINT ["nats-server"]' --change 'EXPOSE 4222 8222'
	# wget: Compose's health check of Prometheus, as in the official image (busybox's).
	base "$PROMETHEUS_IMAGE" prometheus,wget \
		--customize-hook='chroot "$1" sh -c "mkdir -p /prometheus && chown nobody:nogroup /prometheus"' -- \
		--change "ENV PATH=$path" --change 'USER nobody' --change 'WORKDIR /prometheus' \
		--change 'ENTRYPOINT ["/usr/bin/prometheus"]' --change 'EXPOSE 9090'
	# Jaeger is no Debian package but is Go: the binary deploy/tools/jaeger builds (cached), on
	# Debian with wget for the health check. Its config is mounted (Compose) or given (Kubernetes).
	local jaeger
	jaeger=$(deploy/tools/jaeger/build.sh)
	base "$JAEGER_IMAGE" wget,ca-certificates \
		--customize-hook="upload $jaeger /usr/local/bin/jaeger" \
		--customize-hook='chmod 0755 "$1/usr/local/bin/jaeger"' -- \
		--change "ENV PATH=$path" --change 'ENV JAEGER_LISTEN_HOST=0.0.0.0' --change 'USER nobody' \
		--change 'ENTRYPOINT ["/usr/local/bin/jaeger"]' --change 'EXPOSE 4317 4318 16686 13133'
}

# The Go that builds the images is go.mod's toolchain line, as for CI (.ci/run) and make run.
GO_TOOLCHAIN=$(awk '$1 == "toolchain" { print $2 }' go.mod)
[ -n "$GO_TOOLCHAIN" ] || die "go.mod has no toolchain line"
GO_IMAGE=golang:${GO_TOOLCHAIN#go}-$SUITE
[ -z "$local_bases" ] || local_bases
go_args=(--build-arg "GO_IMAGE=$GO_IMAGE" --build-arg "GO_TAGS=$GO_TAGS" --build-arg "GO_LDFLAGS=$GO_LDFLAGS")

for svc in $SERVICES; do
	for kind in rpc api; do
		start=$(date +%s)
		log "$REPO/$svc-$kind:$TAG"
		build -f deploy/Dockerfile "${go_args[@]}" --build-arg "GOPROXY=$(go env GOPROXY)" \
			--build-arg "SERVICE=$svc" --build-arg "KIND=$kind" -t "$REPO/$svc-$kind:$TAG" . >.images-build.log 2>&1 ||
			{
				tail -40 .images-build.log
				if [ -z "$local_bases" ] && grep -q 'failed to do request\|pull access denied\|no such host' .images-build.log; then
					die "the base image cannot be pulled: no container registry reachable? make images-local (or LOCAL=1 make compose-up) makes it from Debian's packages"
				fi
				die "building $svc-$kind failed (whole log: .images-build.log)"
			}
		log "$REPO/$svc-$kind:$TAG built in $(since "$start"), $(docker image inspect -f '{{.Size}}' "$REPO/$svc-$kind:$TAG" | awk '{printf "%.1f MB", $1/1e6}')"
	done
done
start=$(date +%s)
log "$REPO/explorer:$TAG"
build -f deploy/Dockerfile "${go_args[@]}" --build-arg "GOPROXY=$(go env GOPROXY)" --target explorer \
	-t "$REPO/explorer:$TAG" . >.images-build.log 2>&1 ||
	{
		tail -40 .images-build.log
		die "building the explorer failed (whole log: .images-build.log)"
	}
log "$REPO/explorer:$TAG built in $(since "$start"), $(docker image inspect -f '{{.Size}}' "$REPO/explorer:$TAG" | awk '{printf "%.1f MB", $1/1e6}')"
rm -f .images-build.log
