#!/usr/bin/env bash
# Stops every process deploy/scripts/run.sh or run-ha.sh started (the load balancer and services
# first, the engines last), gracefully.
set -uo pipefail
cd "$(dirname "$0")/../.."

stop() { # pid file [seconds to wait before SIGKILL]
	local f=$1 pid
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 $((${2:-10} * 5))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
		echo "[stop] $(basename "$f" .pid) stopped"
	fi
	rm -f "$f"
}

PIDS=.run/pids
for f in "$PIDS"/explorer.pid "$PIDS"/sandbox.pid "$PIDS"/*-api.pid "$PIDS"/*-rpc.pid "$PIDS"/nats.pid "$PIDS"/etcd.pid "$PIDS"/jaeger.pid; do
	[ -e "$f" ] && stop "$f"
done
HA=.run/ha/pids
for f in "$HA"/sandbox.pid "$HA"/*-api-?.pid "$HA"/*-rpc-?.pid "$HA"/haproxy.pid "$HA"/toxiproxy.pid "$HA"/redis-*.pid; do
	[ -e "$f" ] && stop "$f"
done
for f in "$HA"/mysql-*.pid; do
	[ -e "$f" ] && stop "$f" 60 # InnoDB flushes its buffer pool on the way out
done
for f in "$HA"/nats-*.pid "$HA"/etcd-*.pid; do
	[ -e "$f" ] && stop "$f"
done
# what make ha-faults may have left if it was interrupted: its iptables chain, the cgroups
if iptables -nL ZEROMALL-HA >/dev/null 2>&1; then
	iptables -D OUTPUT -j ZEROMALL-HA 2>/dev/null
	iptables -F ZEROMALL-HA && iptables -X ZEROMALL-HA
fi
if [ -s .run/ha/cgroups ]; then
	for d in "$(cat .run/ha/cgroups)"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$(cat .run/ha/cgroups)" 2>/dev/null
fi
exit 0
