#!/usr/bin/env bash
# Runs the zeromall stack locally: MySQL, Redis, etcd and NATS JetStream (started or installed when
# missing), then every service built from source, each rpc applying its own migrations. Stays in the foreground
# until Ctrl-C (or `make stop` from another shell), then stops what it started.
#   deploy/scripts/run.sh            build and run everything
#   deploy/scripts/run.sh --infra    only make sure MySQL, Redis, etcd and NATS are up (used by make dev)
#   deploy/scripts/run.sh --detach   start everything and return once all serve (make stop stops it)
# TRACING=1 also starts Jaeger (deploy/tools/jaeger; OTLP on 127.0.0.1:4317/4318, query API and UI
# on 127.0.0.1:16686) and every service exports its spans to it, all of them unless TRACE_SAMPLER
# says otherwise. Without it nothing is exported.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/build.env
. deploy/build.env

SERVICES=${SERVICES:-user order payment}
# A local stack is development: public dev secrets and rpc identities, pprof, the development tools.
# Unset, every process assumes production and refuses all of these.
export ZEROMALL_ENV=${ZEROMALL_ENV:-development} ZEROMALL_PPROF=${ZEROMALL_PPROF:-true}
# Local scripts and load tests register users again and again from 127.0.0.1 (counted in the
# machine's Redis across runs) and leave orders unpaid: production's 20 sign-ups an hour per
# address and 5 unpaid orders per buyer would stop them.
export REGISTER_LIMIT_IP=${REGISTER_LIMIT_IP:-100000} ORDER_PENDING_PER_USER=${ORDER_PENDING_PER_USER:-100000}
RUN_DIR=.run
ETCD_ENDPOINT=${ETCD_ENDPOINT:-127.0.0.1:2379}
NATS_LISTEN=${NATS_LISTEN:-127.0.0.1:4222}
export EXPLORER_LISTEN=${EXPLORER_LISTEN:-127.0.0.1:8880} SANDBOX_LISTEN=${SANDBOX_LISTEN:-127.0.0.1:8891}
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" bin

log() { printf '[run] %s\n' "$*"; }
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# name → dev-server port, as in the README's "Ports"
declare -A DEV_PORT=([user-api]=6470 [user-rpc]=6471 [order-api]=6472 [order-rpc]=6473 [payment-api]=6474 [payment-rpc]=6475)
declare -A PORT=([user-api]=8888 [user-rpc]=9001 [order-api]=8889 [order-rpc]=9002 [payment-api]=8890 [payment-rpc]=9003)

start_bg() { # name, then the command
	local name=$1
	shift
	"$@" >"$RUN_DIR/logs/$name.log" 2>&1 &
	echo $! >"$RUN_DIR/pids/$name.pid"
}

wait_tool() { # name, listen address: its /healthz answers, or the stack stops
	for _ in $(seq 1 40); do
		curl -fsS "http://$2/healthz" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	log "the $1 did not start; see $RUN_DIR/logs/$1.log"
	deploy/scripts/stop.sh
	exit 1
}

ensure_embedded() { # name, listen address, module under deploy/: a development engine of our own
	local name=$1 listen=$2 tool=$3
	local host=${listen%:*} port=${listen##*:}
	if tcp_open "$host" "$port"; then
		log "$name already serving on $listen"
		return
	fi
	log "starting $name on $listen (embedded, data in $RUN_DIR/$name)"
	go build -C "deploy/$tool" -o "$PWD/bin/$tool" .
	start_bg "$name" "bin/$tool" --data-dir "$RUN_DIR/$name" --listen "$listen"
	for _ in $(seq 1 60); do
		tcp_open "$host" "$port" && return
		sleep 0.5
	done
	log "$name did not start; see $RUN_DIR/logs/$name.log"
	exit 1
}

start_jaeger() { # TRACING=1: Jaeger v2 keeping traces in memory, and the services export to it
	if curl -fsS http://127.0.0.1:13133/status >/dev/null 2>&1; then
		log "jaeger already serving on 127.0.0.1:16686"
	else
		local bin
		bin=$(deploy/tools/jaeger/build.sh)
		log "starting jaeger (OTLP 127.0.0.1:4317/4318, query API and UI http://127.0.0.1:16686)"
		JAEGER_LISTEN_HOST=127.0.0.1 start_bg jaeger "$bin" --config deploy/jaeger/config.yaml
		for _ in $(seq 1 60); do
			curl -fsS http://127.0.0.1:13133/status >/dev/null 2>&1 && break
			sleep 0.5
		done
		curl -fsS http://127.0.0.1:13133/status >/dev/null 2>&1 || { log "jaeger did not start; see $RUN_DIR/logs/jaeger.log"; exit 1; }
	fi
	export OTLP_ENDPOINT=127.0.0.1:4317 TRACE_SAMPLER=${TRACE_SAMPLER:-1}
}

wait_healthy() { # name
	local name=$1 url="http://127.0.0.1:${DEV_PORT[$1]}/healthz"
	for _ in $(seq 1 120); do
		if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
		if ! kill -0 "$(cat "$RUN_DIR/pids/$name.pid")" 2>/dev/null; then
			log "$name exited; last lines of $RUN_DIR/logs/$name.log:"
			tail -20 "$RUN_DIR/logs/$name.log"
			return 1
		fi
		sleep 0.5
	done
	log "$name not healthy after 60s; see $RUN_DIR/logs/$name.log"
	return 1
}

deploy/scripts/deps.sh mysql redis
ensure_embedded etcd "$ETCD_ENDPOINT" devetcd
ensure_embedded nats "$NATS_LISTEN" devnats # with JetStream
if [ "${TRACING:-}" = 1 ]; then
	start_jaeger
fi
if [ "${1:-}" = "--infra" ]; then
	exit 0
fi

[ "${1:-}" = --detach ] || trap 'echo; deploy/scripts/stop.sh; exit 0' INT TERM

for svc in $SERVICES; do
	for kind in rpc api; do
		log "building $svc-$kind"
		go build -tags "$GO_TAGS" -o "bin/$svc-$kind" "./apps/$svc/$kind"
	done
done
for kind in rpc api; do # every rpc first: gateways resolve them through etcd
	for svc in $SERVICES; do
		name=$svc-$kind
		start_bg "$name" "bin/$name" -f "apps/$svc/$kind/etc/$name.yaml"
		wait_healthy "$name" || { deploy/scripts/stop.sh; exit 1; }
	done
done

# The development tools refuse to start in production, so they are not started there: the API
# explorer, and the sandbox payment provider that payment-api's payUrl names.
if [ "$ZEROMALL_ENV" = production ]; then
	log "API explorer and sandbox provider: not started (ZEROMALL_ENV=production; they are development only)"
else
	log "building the API explorer and the sandbox provider"
	go build -tags "$GO_TAGS" -o bin/ ./deploy/explorer ./deploy/sandbox
	start_bg explorer bin/explorer
	start_bg sandbox bin/sandbox
	wait_tool explorer "$EXPLORER_LISTEN"
	wait_tool sandbox "$SANDBOX_LISTEN"
fi

echo
log "zeromall is running (logs in $RUN_DIR/logs, stop with Ctrl-C or 'make stop'):"
for svc in $SERVICES; do
	printf '  %-12s http://127.0.0.1:%s   dev http://127.0.0.1:%s/healthz /metrics\n' "$svc-api" "${PORT[$svc-api]}" "${DEV_PORT[$svc-api]}"
	printf '  %-12s grpc 127.0.0.1:%s    dev http://127.0.0.1:%s/healthz  (etcd key %s.rpc)\n' "$svc-rpc" "${PORT[$svc-rpc]}" "${DEV_PORT[$svc-rpc]}" "$svc"
done
printf '  %-12s %s\n' etcd "$ETCD_ENDPOINT"
printf '  %-12s nats://%s   (JetStream; make events shows the streams and consumers)\n' nats "$NATS_LISTEN"
[ "${TRACING:-}" != 1 ] || printf '  %-12s http://127.0.0.1:16686/api/traces/<trace id>   (sampling %s; the UI page is a placeholder: see doc/runbook.md)\n' jaeger "$TRACE_SAMPLER"
[ "$ZEROMALL_ENV" = production ] || printf '  %-12s http://%s/   (try every route in a browser)\n' explorer "$EXPLORER_LISTEN"
[ "$ZEROMALL_ENV" = production ] || printf '  %-12s http://%s/sandbox/pay/<sn>   (the development payment provider: payUrl)\n' sandbox "$SANDBOX_LISTEN"
[ "${1:-}" != --detach ] || exit 0
while true; do
	sleep 3600 &
	wait $!
done
