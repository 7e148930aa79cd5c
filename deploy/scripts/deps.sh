#!/usr/bin/env bash
# Makes sure the local machine has what zeromall needs and that MySQL and Redis are up.
# Installs missing OS packages (Debian/Ubuntu, as root or with sudo) and starts stopped servers.
# Usage: deploy/scripts/deps.sh [protoc] [mysql] [redis] [wrk] [ha] [prometheus] [lint] [browser]   (no argument: protoc mysql redis)
#   ha: the engines of make run-ha (etcd, redis-server, MariaDB with Galera, HAProxy, iptables), installed, not started
#   prometheus: Prometheus and promtool, for make test's check of the dashboard and the alert rules
#   lint: shellcheck, which actionlint (make lint) runs on the workflow's scripts
#   browser: Debian's chromium, which the API explorer's browser test (e2e, TestBrowser) drives headless
#   docker: starts the Docker daemon when it is installed but does not answer (nothing when absent)
#   compose: what make test-compose and make images-local need beside the engine: a Compose tool
#     (Debian's docker-compose when there is no docker compose plugin) and mmdebstrap
set -euo pipefail

MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

log() { printf '[deps] %s\n' "$*"; }
die() { printf '[deps] error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
apt_updated=""
apt_install() {
	command -v apt-get >/dev/null || die "cannot install $*: no apt-get here; install them by hand"
	if [ -z "$apt_updated" ]; then
		$SUDO apt-get update -qq
		apt_updated=1
	fi
	log "installing $*"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_tcp() {
	for _ in $(seq 1 60); do
		tcp_open "$1" "$2" && return 0
		sleep 0.5
	done
	return 1
}

need_protoc() {
	command -v protoc >/dev/null || apt_install protobuf-compiler
}

need_wrk() {
	command -v wrk >/dev/null || apt_install wrk
}

need_prometheus() {
	command -v prometheus >/dev/null && command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
}

need_browser() {
	command -v chromium >/dev/null || apt_install --no-install-recommends chromium
}

need_lint() {
	command -v shellcheck >/dev/null || apt_install shellcheck
}

need_ha() {
	local missing=()
	command -v etcd >/dev/null || missing+=(etcd-server)
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v mariadb-install-db >/dev/null || missing+=(mariadb-server mariadb-client)
	command -v haproxy >/dev/null || missing+=(haproxy)
	[ -e /usr/lib/galera/libgalera_smm.so ] || missing+=(galera-4)
	command -v rsync >/dev/null || missing+=(rsync) # Galera's state transfers
	command -v iptables >/dev/null || missing+=(iptables) # make ha-faults' partitions
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

need_mysql() {
	if tcp_open "$MYSQL_HOST" "$MYSQL_PORT"; then return; fi
	[ "$MYSQL_HOST" = 127.0.0.1 ] || die "MySQL at $MYSQL_HOST:$MYSQL_PORT is not reachable"
	if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
		apt_install mariadb-server mariadb-client
	fi
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
	if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then return; fi
	[ "$REDIS_HOST" = 127.0.0.1 ] || die "Redis at $REDIS_HOST:$REDIS_PORT is not reachable"
	command -v redis-server >/dev/null || apt_install redis-server
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
	log "starting the Docker daemon (log: /var/log/zeromall-dockerd.log)"
	$SUDO sh -c 'nohup dockerd >/var/log/zeromall-dockerd.log 2>&1 &'
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && return
		sleep 0.5
	done
	die "the Docker daemon did not answer within 30 s; see /var/log/zeromall-dockerd.log"
}

need_compose() {
	local missing=()
	docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || missing+=(docker-compose)
	command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(protoc mysql redis)
for t in "${targets[@]}"; do
	case "$t" in
	protoc) need_protoc ;;
	mysql) need_mysql ;;
	redis) need_redis ;;
	wrk) need_wrk ;;
	ha) need_ha ;;
	prometheus) need_prometheus ;;
	lint) need_lint ;;
	browser) need_browser ;;
	docker) need_docker ;;
	compose) need_compose ;;
	*) die "unknown target $t" ;;
	esac
done
# Tests start their own redis-server, so the binary must exist even when a Redis already runs.
command -v redis-server >/dev/null || apt_install redis-server
log "ready: ${targets[*]}"
