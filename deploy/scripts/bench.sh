#!/usr/bin/env bash
# make bench: makes sure wrk is installed, starts the stack with local binaries on fresh
# zeromall_bench_* databases, runs the benchmark driver (deploy/bench) and stops the stack.
# Arguments go to the driver, e.g. deploy/scripts/bench.sh -duration 3s -rows 100000.
# It also starts the hand-wired floor (deploy/bench/floor) the driver compares zeromall with.
# BENCH_CPUS=separate runs the services on CPUs 1.. and the load generator on CPU 0 (taskset), so
# the generator does not eat the services' CPU budget; MySQL and Redis, the machine's own
# services, keep the CPUs they have. Default: shared, everything on every CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .run

deploy/scripts/deps.sh wrk mysql redis

healthy() {
	for port in 6470 6471 6472 6473 6474 6475; do
		curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 || return 1
	done
}

if healthy || curl -fsS http://127.0.0.1:6470/healthz >/dev/null 2>&1; then
	echo "[bench] a zeromall stack is already running; stop it (make stop) so the benchmark runs on"
	echo "        its own fresh databases and the figures compare from one run to the next"
	exit 1
fi

# Fresh databases for every run: the growth step seeds a million rows per table.
for svc in user order payment; do
	mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS zeromall_bench_$svc" 2>/dev/null ||
		mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS zeromall_bench_$svc"
	dsn="root:@tcp(127.0.0.1:3306)/zeromall_bench_$svc?charset=utf8mb4&parseTime=true&loc=UTC&time_zone=%27%2B00%3A00%27&timeout=2s"
	export "$(echo "$svc" | tr a-z A-Z)_DB_DSN=$dsn"
done

# ...and an empty cache: cached rows of dropped databases would otherwise answer for new rows
# with the same ids.
for pattern in 'cache:*' 'user:login:*'; do
	redis-cli -h 127.0.0.1 --scan --pattern "$pattern" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null
done

# One bench buyer places every order of a run, and none is paid: since issue 47 a run creates
# more than 100000 of them, run.sh's lifted cap on unpaid orders, so the bench lifts it to the
# configuration's maximum.
export ORDER_PENDING_PER_USER=${ORDER_PENDING_PER_USER:-1000000}

svc_pin=() gen_pin=()
export BENCH_CPUS=${BENCH_CPUS:-shared}
case "$BENCH_CPUS" in
shared) ;;
separate)
	command -v taskset >/dev/null || { echo "[bench] BENCH_CPUS=separate needs taskset (util-linux)"; exit 1; }
	[ "$(nproc)" -ge 2 ] || { echo "[bench] BENCH_CPUS=separate needs at least 2 CPUs"; exit 1; }
	svc_pin=(taskset -c "1-$(($(nproc) - 1))") gen_pin=(taskset -c 0)
	;;
*) echo "[bench] BENCH_CPUS must be shared or separate, not $BENCH_CPUS"; exit 1 ;;
esac

started=""
cleanup() {
	if [ -n "$started" ]; then
		deploy/scripts/stop.sh >/dev/null
		kill "$started" 2>/dev/null || true
	fi
}
trap cleanup EXIT

echo "[bench] starting the stack on zeromall_bench_* databases, CPUs $BENCH_CPUS (log: .run/bench-stack.log)"
"${svc_pin[@]}" deploy/scripts/run.sh >.run/bench-stack.log 2>&1 &
started=$!
for _ in $(seq 1 240); do
	healthy && break
	kill -0 "$started" 2>/dev/null || { tail -20 .run/bench-stack.log; exit 1; }
	sleep 0.5
done
healthy || { echo "[bench] the stack did not become healthy"; tail -20 .run/bench-stack.log; exit 1; }

# The hand-wired floor the benchmark compares zeromall with (deploy/bench/floor), on the same
# databases and Redis, pinned as the services are. stop.sh stops it with them (floor-api, floor-rpc).
go build -o .run/bench ./deploy/bench
go build -o .run/floor ./deploy/bench/floor
"${svc_pin[@]}" .run/floor -role rpc -listen 127.0.0.1:9191 -user-dsn "$USER_DB_DSN" -order-dsn "$ORDER_DB_DSN" \
	>.run/logs/floor-rpc.log 2>&1 &
echo $! >.run/pids/floor-rpc.pid
"${svc_pin[@]}" .run/floor -role http -listen 127.0.0.1:8991 -rpc 127.0.0.1:9191 >.run/logs/floor-api.log 2>&1 &
echo $! >.run/pids/floor-api.pid
for _ in $(seq 1 40); do
	(exec 3<>/dev/tcp/127.0.0.1/8991) 2>/dev/null && break
	sleep 0.25
done
"${gen_pin[@]}" .run/bench "$@"
