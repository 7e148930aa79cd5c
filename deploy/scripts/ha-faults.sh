#!/usr/bin/env bash
# make ha-faults: breaks the HA topology one part at a time under load and prints a line per
# fault (deploy/hafaults). Starts make run-ha's stack when none is running, and stops it after.
#   deploy/scripts/ha-faults.sh [hafaults flags, e.g. -hold 20s -only redis]
set -euo pipefail
cd "$(dirname "$0")/../.."
started=""
if ! { [ -e .run/ha/pids/haproxy.pid ] && kill -0 "$(cat .run/ha/pids/haproxy.pid)" 2>/dev/null; }; then
	echo "[ha-faults] starting the HA stack (deploy/scripts/run-ha.sh --detach)"
	deploy/scripts/run-ha.sh --detach
	started=1
fi
go build -o bin/hafaults ./deploy/hafaults
rc=0
bin/hafaults "$@" || rc=$?
if [ -n "$started" ]; then
	echo "[ha-faults] stopping the HA stack"
	deploy/scripts/stop.sh >/dev/null
fi
exit $rc
