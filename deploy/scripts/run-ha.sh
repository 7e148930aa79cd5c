#!/usr/bin/env bash
# Runs zeromall's high-availability topology on loopback (doc/scaling.md), from Debian's engines:
#   etcd        3 members            clients 127.0.0.1:12379, :22379, :32379
#   Redis       Cluster, 3 masters + 3 replicas on 127.0.0.1:7001-7006
#   MariaDB     primary 127.0.0.1:3307, GTID replica 127.0.0.1:3308 (order-rpc's lag-tolerant reads)
#   services    two instances of every rpc and gateway (instance a and b)
#   HAProxy     the gateways on 127.0.0.1:8888 (user), :8889 (order), :8890 (payment)
# The services run with the same YAML as make run; only environment variables differ. Every
# process has a launcher in .run/ha/launch/<name> (make ha-faults restarts them with it), its log
# in .run/ha/logs and its pid in .run/ha/pids. Data lives in .run/ha and is wiped at the next start.
#   deploy/scripts/run-ha.sh            start everything, stay in the foreground (Ctrl-C stops)
#   deploy/scripts/run-ha.sh --detach   start everything and return (make stop stops it)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HA=.run/ha
log() { printf '[run-ha] %s\n' "$*"; }
die() { printf '[run-ha] error: %s\n' "$*" >&2; exit 1; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_until() { # seconds, what, command...
	local secs=$1 what=$2
	shift 2
	for _ in $(seq 1 $((secs * 4))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	die "$what not ready after ${secs}s (logs in $HA/logs)"
}

if [ -d "$HA/pids" ] && compgen -G "$HA/pids/*.pid" >/dev/null; then
	for f in "$HA"/pids/*.pid; do
		kill -0 "$(cat "$f")" 2>/dev/null && die "an HA stack is running ($f); stop it with make stop"
	done
fi
for f in .run/pids/*.pid; do
	[ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && die "make run's stack is running (it holds the same ports); stop it with make stop"
done
for port in 8888 8889 8890 3307 3308 7001 12379; do
	tcp_open "$port" && die "port $port is taken"
done

deploy/scripts/deps.sh ha
rm -rf "$HA"
mkdir -p "$HA/logs" "$HA/pids" "$HA/launch" bin

ETCD_HOSTS=127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379
REDIS_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006
DSN_OPTS='charset=utf8mb4&parseTime=true&loc=UTC&time_zone=%27%2B00%3A00%27&timeout=2s'

# launcher name command...: writes $HA/launch/name, which runs the command with its log and pid.
launcher() {
	local name=$1
	shift
	{
		echo '#!/usr/bin/env bash'
		echo "cd $(printf %q "$ROOT")"
		echo "echo \$\$ > $HA/pids/$name.pid"
		printf 'exec'
		printf ' %q' "$@"
		echo " >>$HA/logs/$name.log 2>&1"
	} >"$HA/launch/$name"
	chmod +x "$HA/launch/$name"
}
start() { setsid "$HA/launch/$1" </dev/null & }

# ---- etcd: three members -----------------------------------------------------------------
cluster=""
for i in 1 2 3; do cluster+="${cluster:+,}etcd$i=http://127.0.0.1:${i}2380"; done
for i in 1 2 3; do
	launcher "etcd-$i" etcd --name "etcd$i" --data-dir "$HA/etcd-$i" \
		--listen-client-urls "http://127.0.0.1:${i}2379" --advertise-client-urls "http://127.0.0.1:${i}2379" \
		--listen-peer-urls "http://127.0.0.1:${i}2380" --initial-advertise-peer-urls "http://127.0.0.1:${i}2380" \
		--initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token zeromall-ha
	start "etcd-$i"
done

# ---- MariaDB: a primary and a GTID replica ---------------------------------------------
# mariadbd refuses to run as root unless told to; as anyone else (a CI runner) it runs as that user,
# and mariadb-install-db must then not be given a --user at all.
as_root=()
[ "$(id -u)" != 0 ] || as_root=(--user=root)
mysql_instance() { # name port server-id extra flags...
	local name=$1 port=$2 id=$3
	shift 3
	mariadb-install-db --no-defaults --datadir="$ROOT/$HA/$name" "${as_root[@]}" --auth-root-authentication-method=normal \
		--skip-test-db >"$HA/logs/$name-install.log" 2>&1 || die "mariadb-install-db $name failed (see $HA/logs/$name-install.log)"
	launcher "$name" mariadbd --no-defaults "${as_root[@]}" --datadir="$ROOT/$HA/$name" --port="$port" --bind-address=127.0.0.1 \
		--socket="$ROOT/$HA/$name.sock" --pid-file="$ROOT/$HA/$name.mpid" --server-id="$id" \
		--log-bin=binlog --binlog-format=ROW --log-slave-updates --sync-binlog=1 --gtid-strict-mode=1 \
		--innodb-buffer-pool-size=256M --max-connections=1000 "$@"
	start "$name"
}
mysql_instance mysql-primary 3307 1
mysql_instance mysql-replica 3308 2 --read-only=1 --relay-log=relay
wait_until 60 "MariaDB primary" mariadb -h127.0.0.1 -P3307 -uroot -e 'select 1'
wait_until 60 "MariaDB replica" mariadb -h127.0.0.1 -P3308 -uroot -e 'select 1'
mariadb -h127.0.0.1 -P3307 -uroot -e "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-dev-only'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';"
mariadb -h127.0.0.1 -P3308 -uroot -e "SET GLOBAL gtid_slave_pos = ''; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3307,
	MASTER_USER='repl', MASTER_PASSWORD='repl-dev-only', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;"
replicating() { mariadb -h127.0.0.1 -P3308 -uroot -e 'SHOW REPLICA STATUS\G' | grep -q 'Slave_SQL_Running: Yes'; }
wait_until 30 "replication" replicating

# ---- Redis Cluster: three masters, three replicas ----------------------------------------
for port in 7001 7002 7003 7004 7005 7006; do
	mkdir -p "$HA/redis-$port"
	launcher "redis-$port" redis-server --port "$port" --bind 127.0.0.1 --dir "$ROOT/$HA/redis-$port" \
		--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
		--cluster-require-full-coverage no --appendonly yes --save ""
	start "redis-$port"
done
for port in 7001 7002 7003 7004 7005 7006; do wait_until 20 "redis $port" redis-cli -p "$port" ping; done
redis-cli --cluster create ${REDIS_NODES//,/ } --cluster-replicas 1 --cluster-yes >"$HA/logs/redis-cluster-create.log" 2>&1 ||
	die "redis-cli --cluster create failed (see $HA/logs/redis-cluster-create.log)"
cluster_ok() { for p in 7001 7002 7003 7004 7005 7006; do redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' || return 1; done; }
wait_until 30 "Redis Cluster" cluster_ok
etcd_healthy() { for i in 1 2 3; do curl -fsS "http://127.0.0.1:${i}2379/health" | grep -q '"health":"true"' || return 1; done; }
wait_until 30 "etcd cluster" etcd_healthy

# ---- services: two instances each ------------------------------------------------------
declare -A RPC_PORT=([user]=9001 [order]=9002 [payment]=9003)
declare -A API_PORT=([user]=8888 [order]=8889 [payment]=8890)
declare -A DEV_PORT=([user-api]=6470 [user-rpc]=6471 [order-api]=6472 [order-rpc]=6473 [payment-api]=6474 [payment-rpc]=6475)
SERVICES="user order payment"
common_env=(
	ZEROMALL_ENV=development ZEROMALL_PPROF=true PAYMENT_SANDBOX=true REGISTER_LIMIT_IP=100000 ORDER_PENDING_PER_USER=100000
	ETCD_ENDPOINT=$ETCD_HOSTS REDIS_ADDR=$REDIS_NODES REDIS_TYPE=cluster TRUSTED_PROXIES=127.0.0.1/32
	USER_DB_DSN="root:@tcp(127.0.0.1:3307)/zeromall_user?$DSN_OPTS"
	ORDER_DB_DSN="root:@tcp(127.0.0.1:3307)/zeromall_order?$DSN_OPTS"
	ORDER_DB_REPLICA_DSN="root:@tcp(127.0.0.1:3308)/zeromall_order?$DSN_OPTS"
	PAYMENT_DB_DSN="root:@tcp(127.0.0.1:3307)/zeromall_payment?$DSN_OPTS"
)
for svc in $SERVICES; do
	for kind in rpc api; do
		log "building $svc-$kind"
		go build -o "bin/$svc-$kind" "./apps/$svc/$kind"
	done
done
instance_env() { # service kind instance (a|b): the variables that tell the two apart
	local svc=$1 kind=$2 inst=$3 up=${1^^} off=0
	[ "$inst" = a ] || off=100
	if [ "$kind" = rpc ]; then
		echo "${up}_RPC_LISTEN=127.0.0.1:$((RPC_PORT[$svc] + off)) ${up}_RPC_DEV_PORT=$((DEV_PORT[$svc-rpc] + off))"
	else
		local port=$((API_PORT[$svc] + 10000))
		[ "$inst" = a ] || port=$((API_PORT[$svc] + 20000))
		echo "${up}_API_HOST=127.0.0.1 ${up}_API_PORT=$port ${up}_API_DEV_PORT=$((DEV_PORT[$svc-api] + off))"
	fi
}
healthy() { curl -fsS "http://127.0.0.1:$1/healthz"; }
for kind in rpc api; do # every rpc first: gateways resolve them through etcd
	for svc in $SERVICES; do
		for inst in a b; do
			# shellcheck disable=SC2046 # instance_env's words are VAR=value pairs
			launcher "$svc-$kind-$inst" env "${common_env[@]}" $(instance_env "$svc" "$kind" "$inst") \
				"bin/$svc-$kind" -f "apps/$svc/$kind/etc/$svc-$kind.yaml"
			start "$svc-$kind-$inst"
		done
		off=0
		for inst in a b; do
			wait_until 60 "$svc-$kind-$inst" healthy $((DEV_PORT[$svc-$kind] + off))
			off=100
		done
	done
done

# ---- HAProxy -----------------------------------------------------------------------------
launcher haproxy haproxy -f deploy/ha/haproxy.cfg
start haproxy
served() { curl -fsS -o /dev/null http://127.0.0.1:8889/order/v1/products; }
wait_until 30 "HAProxy" served

log "zeromall HA is running: gateways on :8888 :8889 :8890 (HAProxy), logs in $HA/logs"
log "  etcd $ETCD_HOSTS · Redis Cluster $REDIS_NODES · MariaDB primary :3307, replica :3308"
if [ "${1:-}" = --detach ]; then
	log "stop with: make stop"
	exit 0
fi
trap 'echo; deploy/scripts/stop.sh; exit 0' INT TERM
log "Ctrl-C (or make stop from another shell) stops it"
while true; do
	sleep 3600 &
	wait $!
done
