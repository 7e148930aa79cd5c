#!/usr/bin/env bash
# Stops every process deploy/scripts/run.sh started (services first, etcd last), gracefully.
set -uo pipefail
cd "$(dirname "$0")/../.."
PIDS=.run/pids
[ -d "$PIDS" ] || exit 0

stop() { # pid file
	local f=$1 pid
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
		echo "[stop] $(basename "$f" .pid) stopped"
	fi
	rm -f "$f"
}

for f in "$PIDS"/*-api.pid "$PIDS"/*-rpc.pid "$PIDS"/etcd.pid; do
	[ -e "$f" ] && stop "$f"
done
exit 0
