#!/usr/bin/env bash
# Makes sure the local machine has what zeromall needs and that MySQL and Redis are up.
# Installs missing OS packages (Debian/Ubuntu, as root or with sudo) and starts stopped servers.
# Usage: deploy/scripts/deps.sh [protoc] [mysql] [redis] [wrk] [ha] [prometheus] [lint] [browser] [docker] [compose] [k8s]
#   (no argument: protoc mysql redis; make test names what its steps need)
#   ha: the engines of make run-ha (etcd, redis-server, MariaDB with Galera, HAProxy, nats-server, iptables), installed, not started
#   prometheus: Prometheus and promtool, for make test's check of the dashboard and the alert rules
#   lint: shellcheck, which actionlint (make lint) runs on the workflow's scripts
#   browser: Debian's chromium, which the API explorer's browser test (e2e, TestBrowser) drives headless
#   docker: starts the Docker daemon when it is installed but does not answer (nothing when absent)
#   compose: what make test-compose and make images-local need beside the engine: a Compose tool
#     (Debian's docker-compose when there is no docker compose plugin) and mmdebstrap
#   k8s: what make k8s-up runs beside the binaries it builds: containerd (a second instance of its
#     own) with runc, the CNI plugins, iptables, conntrack and openssl
set -euo pipefail

MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

log() { printf '[deps] %s\n' "$*"; }
die() { printf '[deps] error: %s\n' "$*" >&2; exit 1; }

# Packages are gathered first and installed in one go: as root or with passwordless sudo through
# apt; anywhere else the script says once which packages are missing and the command that installs
# them, before anything is started.
missing=() lean=() # lean: installed without recommended packages
want() { missing+=("$@"); }
want_lean() { lean+=("$@"); }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
can_install() {
	command -v apt-get >/dev/null || return 1
	[ -z "$SUDO" ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }
}
install_missing() {
	[ ${#missing[@]} -gt 0 ] || [ ${#lean[@]} -gt 0 ] || return 0
	local all=("${missing[@]}" "${lean[@]}")
	if ! can_install; then
		die "missing packages: ${all[*]}. Install them with: sudo apt-get install ${all[*]} (or run sudo deploy/scripts/deps.sh ${targets[*]}), then run this again"
	fi
	log "installing ${all[*]}"
	$SUDO apt-get update -qq
	if [ ${#missing[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	if [ ${#lean[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
	fi
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_tcp() {
	for _ in $(seq 1 60); do
		tcp_open "$1" "$2" && return 0
		sleep 0.5
	done
	return 1
}

need_protoc() { command -v protoc >/dev/null || want protobuf-compiler; }
need_wrk() { command -v wrk >/dev/null || want wrk; }
need_prometheus() { { command -v prometheus && command -v promtool; } >/dev/null || want_lean prometheus; }
need_browser() { command -v chromium >/dev/null || want_lean chromium; }
need_lint() { command -v shellcheck >/dev/null || want shellcheck; }

need_ha() {
	command -v etcd >/dev/null || want etcd-server
	command -v redis-server >/dev/null || want redis-server
	command -v mariadb-install-db >/dev/null || want mariadb-server mariadb-client
	command -v haproxy >/dev/null || want haproxy
	command -v nats-server >/dev/null || want nats-server
	[ -e /usr/lib/galera/libgalera_smm.so ] || want galera-4
	command -v rsync >/dev/null || want rsync # Galera's state transfers
	command -v iptables >/dev/null || want iptables # make ha-faults' partitions
}

need_mysql() {
	tcp_open "$MYSQL_HOST" "$MYSQL_PORT" && return
	[ "$MYSQL_HOST" = 127.0.0.1 ] || die "MySQL at $MYSQL_HOST:$MYSQL_PORT is not reachable"
	command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || want mariadb-server mariadb-client
	start+=(start_mysql)
}

start_mysql() {
	if [ ! -d /var/lib/mysql/mysql ]; then
		log "initialising the MariaDB data directory"
		$SUDO mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
	fi
	log "starting MariaDB"
	$SUDO mkdir -p /run/mysqld && $SUDO chown mysql:mysql /run/mysqld
	# mariadbd refuses to run as root; --user makes it drop to the package's mysql account.
	$SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
	wait_tcp "$MYSQL_HOST" "$MYSQL_PORT" || die "MariaDB did not start"
	if ! mariadb -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
		# A fresh Debian MariaDB lets root in only over the socket; the dev stack logs in over TCP.
		log "letting root log in over TCP with an empty password (development only)"
		$SUDO mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;"
		mariadb -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null || die "root still cannot log in over TCP"
	fi
}

need_redis() {
	tcp_open "$REDIS_HOST" "$REDIS_PORT" && return
	[ "$REDIS_HOST" = 127.0.0.1 ] || die "Redis at $REDIS_HOST:$REDIS_PORT is not reachable"
	start+=(start_redis)
}

start_redis() {
	log "starting Redis"
	$SUDO mkdir -p /var/lib/redis /var/log/redis
	$SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
		--dir /var/lib/redis --logfile /var/log/redis/zeromall.log
	wait_tcp "$REDIS_HOST" "$REDIS_PORT" || die "Redis did not start"
}

need_docker() {
	command -v docker >/dev/null || { log "no Docker client: the Compose checks are skipped"; return; }
	docker info >/dev/null 2>&1 && return
	command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ] || { log "no Docker daemon installed"; return; }
	start+=(start_docker)
}

start_docker() {
	log "starting the Docker daemon (log: /var/log/zeromall-dockerd.log)"
	$SUDO sh -c 'nohup dockerd >/var/log/zeromall-dockerd.log 2>&1 &'
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && return
		sleep 0.5
	done
	die "the Docker daemon did not answer within 30 s; see /var/log/zeromall-dockerd.log"
}

need_compose() {
	docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || want docker-compose
	command -v mmdebstrap >/dev/null || want mmdebstrap
}

need_k8s() {
	command -v containerd >/dev/null || want containerd
	command -v runc >/dev/null || want runc
	[ -x /usr/lib/cni/bridge ] || want containernetworking-plugins
	command -v iptables >/dev/null || want iptables
	command -v conntrack >/dev/null || want conntrack
	command -v openssl >/dev/null || want openssl
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(protoc mysql redis)
start=()
for t in "${targets[@]}"; do
	case "$t" in
	protoc | mysql | redis | wrk | ha | prometheus | lint | browser | docker | compose | k8s) "need_$t" ;;
	*) die "unknown target $t" ;;
	esac
done
# Tests start their own redis-server, so the binary must exist even when a Redis already runs.
command -v redis-server >/dev/null || want redis-server
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')
install_missing
for s in "${start[@]}"; do "$s"; done
log "ready: ${targets[*]}"
