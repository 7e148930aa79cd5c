#!/usr/bin/env bash
# zeromall on Docker Compose (make compose-up / make compose-down), with Compose v2 (docker compose)
# or Debian's docker-compose 1.29, whichever is installed.
#   deploy/scripts/compose.sh up     build the six images, start the stack, wait until every
#                                    container is healthy (what up --wait does on Compose v2)
#   deploy/scripts/compose.sh down   stop it; volumes are kept (add -v to drop them)
#   deploy/scripts/compose.sh ARGS   any other Compose command on the project, e.g. logs -f order-rpc
# PROFILE=observability adds Prometheus, Grafana and Jaeger, and the services send their spans to
# Jaeger. LOCAL=1 uses make images-local's base images (deploy/docker/local-images.env), for a
# machine without a container registry; Grafana does not run then.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[compose] %s\n' "$*"; }
die() { printf '[compose] error: %s\n' "$*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
	cli=(docker compose)
elif command -v docker-compose >/dev/null; then
	cli=(docker-compose)
else
	die "no Compose tool: install the docker compose plugin, or docker-compose (deploy/scripts/deps.sh compose)"
fi
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (deploy/scripts/deps.sh docker starts it)"

args=(-p zeromall -f deploy/docker-compose.yml)
[ -z "${LOCAL:-}" ] || args+=(--env-file deploy/docker/local-images.env)
profile=() only=()
if [ -n "${PROFILE:-}" ]; then
	profile=(--profile "$PROFILE")
	if [ "$PROFILE" = observability ]; then
		# The services send their spans to Jaeger only when it runs.
		export OTLP_ENDPOINT=${OTLP_ENDPOINT:-jaeger:4317}
	fi
	if [ "$PROFILE" = observability ] && [ -n "${LOCAL:-}" ]; then
		# Grafana is no Debian package: without a registry it cannot run.
		read -r -a only <<<"$("${cli[@]}" "${args[@]}" config --services | grep -vx -e grafana | tr '\n' ' ')"
		log "LOCAL=1: the observability profile runs Prometheus and Jaeger, not Grafana (no image of it can be made without a registry)"
	fi
fi
compose() { "${cli[@]}" "${args[@]}" "${profile[@]}" "$@"; }

wait_healthy() {
	local start ids id state waiting said=""
	start=$(date +%s)
	ids=$(compose ps -q)
	while true; do
		waiting=""
		for id in $ids; do
			state=$(docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
			case $state in
			*" healthy") ;;
			*" unhealthy" | *" exited" | *" dead")
				compose logs --tail 20
				die "${state#/}: see the log lines above" ;;
			*) waiting="$waiting ${state#/}," ;;
			esac
		done
		[ -n "$waiting" ] || break
		[ "$waiting" = "$said" ] || log "waiting for${waiting%,}"
		said=$waiting
		[ $(($(date +%s) - start)) -lt 300 ] || die "not healthy after 300 s:${waiting%,}"
		sleep 2
	done
	log "every container is healthy ($(($(date +%s) - start)) s)"
}

# Compose would create half the stack before failing on a taken port; say which one first.
check_ports() {
	local port ports=(8888 8889 8890 8880)
	[ -z "${PROFILE:-}" ] || ports+=(9090 3000 16686)
	for port in "${ports[@]}"; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			die "127.0.0.1:$port is taken (make run's stack? make stop stops it; or: ss -ltnp 'sport = :$port')"
		fi
	done
}

case "${1:-}" in
up)
	[ -n "$(compose ps -q)" ] || check_ports
	deploy/scripts/images.sh ${LOCAL:+--local}
	if ! compose up -d --no-build "${only[@]}"; then
		# Compose v1 stops at the first dependency that is not healthy; its reason is in the logs.
		compose logs --no-color --tail 5
		die "the stack did not come up: the log lines above say why (doc/troubleshooting.md, Compose)"
	fi
	wait_healthy
	log "zeromall runs on Compose (project zeromall): user-api http://127.0.0.1:8888, order-api http://127.0.0.1:8889, payment-api http://127.0.0.1:8890, API explorer http://127.0.0.1:8880, sandbox provider http://127.0.0.1:8891"
	if [ ${#only[@]} -gt 0 ]; then
		log "observability: Prometheus http://127.0.0.1:9090, Jaeger http://127.0.0.1:16686 (query API; the UI page is a placeholder with LOCAL=1)"
	elif [ -n "${PROFILE:-}" ]; then
		log "observability: Prometheus http://127.0.0.1:9090, Grafana http://127.0.0.1:3000, Jaeger http://127.0.0.1:16686"
	fi
	;;
down)
	shift
	profile=(--profile observability)
	compose down "$@"
	;;
"") die "usage: $0 up|down|<compose command>" ;;
*) compose "$@" ;;
esac
