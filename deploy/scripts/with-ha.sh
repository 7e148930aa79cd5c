#!/usr/bin/env bash
# Runs a command against make run-ha's stack: starts the stack when none is running, and stops it
# after the command if it started it. make ha-faults, ha-short and ha-writecost use it.
#   deploy/scripts/with-ha.sh command [args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
started=""
if ! { [ -e .run/ha/pids/haproxy.pid ] && kill -0 "$(cat .run/ha/pids/haproxy.pid)" 2>/dev/null; }; then
	echo "[with-ha] starting the HA stack (deploy/scripts/run-ha.sh --detach)"
	started=1
	if ! deploy/scripts/run-ha.sh --detach; then
		deploy/scripts/stop.sh >/dev/null
		exit 1
	fi
fi
rc=0
"$@" || rc=$?
if [ "$rc" != 0 ] && [ -e .run/ha/logs/haproxy.log ]; then
	echo "[with-ha] failed (rc=$rc); HAProxy's last server changes:"
	grep -E 'is (DOWN|UP)|no server available' .run/ha/logs/haproxy.log | tail -n 20 || true
fi
if [ -n "$started" ]; then
	echo "[with-ha] stopping the HA stack"
	deploy/scripts/stop.sh >/dev/null
fi
exit $rc
