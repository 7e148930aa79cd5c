#!/usr/bin/env bash
# Runs zeromall's high-availability topology on loopback (doc/scaling.md), from Debian's engines:
#   etcd        3 members            clients 127.0.0.1:12379, :22379, :32379
#   NATS        JetStream cluster of 3 (streams kept on all three): clients 127.0.0.1:14222, :24222,
#               :34222, monitoring :18222, :28222, :38222
#   Redis       Cluster, 3 masters + 3 replicas on 127.0.0.1:7001-7006
#   MariaDB     Galera, 3 nodes on 127.0.0.1:3311-3313; HAProxy sends writes to one at a time on
#               :3307; services reach that through Toxiproxy on :3310 (a link make ha-faults slows)
#   services    two instances of every rpc and gateway (instance a and b)
#   HAProxy     the gateways on 127.0.0.1:8888 (user), :8889 (order), :8890 (payment)
#   sandbox     the development payment provider on 127.0.0.1:8891 (payUrl), calling :8890
# The services run with the same YAML as make run; only environment variables differ. Every
# process has a launcher in .run/ha/launch/<name> (make ha-faults restarts them with it), its log
# in .run/ha/logs and its pid in .run/ha/pids. Data lives in .run/ha and is wiped at the next start.
#   deploy/scripts/run-ha.sh            start everything, stay in the foreground (Ctrl-C stops)
#   deploy/scripts/run-ha.sh --detach   start everything and return (make stop stops it)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/build.env
. deploy/build.env
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
for port in 8888 8889 8890 8891 3307 3310 3311 3312 3313 7001 8474 12379 14222; do
	tcp_open "$port" && die "port $port is taken"
done

deploy/scripts/deps.sh ha
rm -rf "$HA"
mkdir -p "$HA/logs" "$HA/pids" "$HA/launch" bin

ETCD_HOSTS=127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379
NATS_URLS=nats://127.0.0.1:14222,nats://127.0.0.1:24222,nats://127.0.0.1:34222
REDIS_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006
# wsrep_sync_wait=1: a read waits until the node has applied every write the cluster committed
# before it. Without it, the node that takes writes after a failover may not yet have applied the
# last commits of the one before, and a read of a just-created order finds nothing (and caches it).
DSN_OPTS='charset=utf8mb4&parseTime=true&loc=UTC&time_zone=%27%2B00%3A00%27&timeout=2s&wsrep_sync_wait=1'

# Each process runs in its own cgroup (v2) under $CGROUPS, so that make ha-faults can cut it off
# the network by iptables' cgroup match (a partition) while it keeps running.
CGROUPS=""
if [ "$(id -u)" = 0 ] && cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts) && [ -n "$cg2" ]; then
	CGROUPS=$cg2/zeromall-ha
	echo "$CGROUPS" >"$HA/cgroups"
else
	log "not root or no cgroup v2: make ha-faults will not be able to partition processes"
fi

# launcher name command...: writes $HA/launch/name, which runs the command with its log and pid.
launcher() {
	local name=$1
	shift
	{
		echo '#!/usr/bin/env bash'
		echo "cd $(printf %q "$ROOT")"
		echo "echo \$\$ > $HA/pids/$name.pid"
		[ -z "$CGROUPS" ] || echo "mkdir -p $CGROUPS/$name && echo \$\$ > $CGROUPS/$name/cgroup.procs"
		printf 'exec'
		printf ' %q' "$@"
		echo ' "$@"' ">>$HA/logs/$name.log 2>&1"
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

# ---- NATS: a JetStream cluster of three nodes ---------------------------------------------
# Node i takes clients on i4222 (14222, 24222, 34222), routes on i6222 and serves
# monitoring on i8222. The streams are declared with 3 replicas (NATS_REPLICAS), so each event is
# on every node and any one node may be lost.
routes=""
for i in 1 2 3; do routes+="${routes:+,}nats://127.0.0.1:${i}6222"; done
for i in 1 2 3; do
	launcher "nats-$i" nats-server --name "nats$i" --cluster_name zeromall-ha -js --store_dir "$ROOT/$HA/nats-$i" \
		-a 127.0.0.1 -p "${i}4222" -m "${i}8222" --cluster "nats://127.0.0.1:${i}6222" --routes "$routes"
	start "nats-$i"
done

# ---- MariaDB: a Galera cluster of three nodes, one taking writes (doc/scaling.md) ------------
# Node i serves SQL on 331i and talks to the others on 456i (group), 457i (IST) and 444i (SST).
# Galera's rsync transfer drops to nobody when run by root, so as root the nodes run as mysql,
# with their data where that user can reach it (linked from $HA).
node_user=$(id -un) data=$ROOT/$HA
if [ "$(id -u)" = 0 ]; then
	node_user=mysql data=/var/tmp/zeromall-ha
	rm -rf "$data"
	mkdir -p "$data"
	chown mysql:mysql "$data"
fi
GCOMM=gcomm://127.0.0.1:4561,127.0.0.1:4562,127.0.0.1:4563
galera_node() { # i: writes the launcher of node i; the first start of node 1 adds --wsrep-new-cluster
	local i=$1 dir="$data/mysql-$1"
	mkdir -p "$dir"
	[ "$data" = "$ROOT/$HA" ] || ln -s "$dir" "$HA/mysql-$i"
	if [ "$i" = 1 ]; then
		mariadb-install-db --no-defaults --datadir="$dir" --user="$node_user" --auth-root-authentication-method=normal \
			--skip-test-db >"$HA/logs/mysql-1-install.log" 2>&1 || die "mariadb-install-db failed (see $HA/logs/mysql-1-install.log)"
	fi
	[ "$(id -u)" != 0 ] || chown -R mysql:mysql "$dir"
	launcher "mysql-$i" deploy/ha/galera-node.sh --no-defaults --user="$node_user" --datadir="$dir" --port="331$i" --bind-address=127.0.0.1 \
		--socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --server-id="$i" \
		--innodb-buffer-pool-size=192M --max-connections=1000 --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
		--wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=zeromall-ha \
		--wsrep-cluster-address="$GCOMM" --wsrep-node-address="127.0.0.1:456$i" --wsrep-node-name="mysql-$i" \
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:444$i" \
		--wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:456$i;ist.recv_addr=127.0.0.1:457$i;gcache.size=64M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT3S"
}
galera_synced() { # port
	[ "$(mariadb -h127.0.0.1 -P"$1" -uroot -N -B -e "SHOW STATUS LIKE 'wsrep_local_state'" | cut -f2)" = 4 ]
}
for i in 1 2 3; do galera_node "$i"; done
setsid "$HA/launch/mysql-1" --wsrep-new-cluster </dev/null &
wait_until 60 "MariaDB node 1" galera_synced 3311
for i in 2 3; do # each joins by a full state transfer from a synced node
	start "mysql-$i"
	wait_until 90 "MariaDB node $i" galera_synced "331$i"
done

# ---- the MySQL link: HAProxy sends every connection to the one node taking writes --------
# Services reach it through Toxiproxy on :3310 (make ha-faults slows that link down), HAProxy's
# writer port :3307 is the database's own address (migrations, make ha-faults' checks).
launcher haproxy haproxy -f deploy/ha/haproxy.cfg
start haproxy
writer_up() { mariadb -h127.0.0.1 -P3307 -uroot -e 'select 1'; }
wait_until 30 "HAProxy's MySQL writer port" writer_up
go build -modfile=deploy/tools/toxiproxy/go.mod -o bin/toxiproxy github.com/Shopify/toxiproxy/v2/cmd/server
launcher toxiproxy bin/toxiproxy -host 127.0.0.1 -port 8474 -config deploy/ha/toxiproxy.json
start toxiproxy
link_up() { mariadb -h127.0.0.1 -P3310 -uroot -e 'select 1'; }
wait_until 30 "the MySQL link (Toxiproxy)" link_up

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
nats_healthy() { for i in 1 2 3; do curl -fsS "http://127.0.0.1:${i}8222/healthz?js-enabled-only=true" || return 1; done; }
wait_until 30 "NATS cluster" nats_healthy

# ---- services: two instances each ------------------------------------------------------
declare -A RPC_PORT=([user]=9001 [order]=9002 [payment]=9003)
declare -A API_PORT=([user]=8888 [order]=8889 [payment]=8890)
declare -A DEV_PORT=([user-api]=6470 [user-rpc]=6471 [order-api]=6472 [order-rpc]=6473 [payment-api]=6474 [payment-rpc]=6475)
SERVICES="user order payment"
common_env=(
	ZEROMALL_ENV=development ZEROMALL_PPROF=true REGISTER_LIMIT_IP=100000 ORDER_PENDING_PER_USER=100000
	ETCD_ENDPOINT=$ETCD_HOSTS REDIS_ADDR=$REDIS_NODES REDIS_TYPE=cluster TRUSTED_PROXIES=127.0.0.1/32
	NATS_URL=$NATS_URLS NATS_REPLICAS=3
	USER_DB_DSN="root:@tcp(127.0.0.1:3310)/zeromall_user?$DSN_OPTS"
	ORDER_DB_DSN="root:@tcp(127.0.0.1:3310)/zeromall_order?$DSN_OPTS"
	PAYMENT_DB_DSN="root:@tcp(127.0.0.1:3310)/zeromall_payment?$DSN_OPTS"
)
for svc in $SERVICES; do
	for kind in rpc api; do
		log "building $svc-$kind"
		go build -tags "$GO_TAGS" -o "bin/$svc-$kind" "./apps/$svc/$kind"
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

# ---- the gateways through HAProxy ----------------------------------------------------------
served() { curl -fsS -o /dev/null http://127.0.0.1:8889/order/v1/products; }
wait_until 30 "HAProxy" served

# ---- the sandbox payment provider that payUrl names, calling payment-api through HAProxy ----
go build -tags "$GO_TAGS" -o bin/sandbox ./deploy/sandbox
launcher sandbox env ZEROMALL_ENV=development SANDBOX_LISTEN=127.0.0.1:8891 PAYMENT_API_URL=http://127.0.0.1:8890 bin/sandbox
start sandbox
wait_until 30 sandbox healthy 8891

log "zeromall HA is running: gateways on :8888 :8889 :8890 (HAProxy), logs in $HA/logs"
log "  etcd $ETCD_HOSTS · NATS JetStream $NATS_URLS · Redis Cluster $REDIS_NODES · MariaDB Galera :3311-3313, writer :3307 (HAProxy)"
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
