#!/usr/bin/env bash
# Starts one Galera node of make run-ha (deploy/scripts/run-ha.sh) with the mariadbd flags it is
# given. A node that was killed does not know how far it got: the position is read from its
# storage first (--wsrep-recover, as Debian's galera_recovery does under systemd), so that it
# rejoins by an incremental transfer of what it missed rather than a full copy, which would lock
# the node it copies from (possibly the one taking writes) for the whole transfer.
set -euo pipefail
datadir=""
for arg in "$@"; do
	case $arg in --datadir=*) datadir=${arg#--datadir=} ;; esac
done
position=""
if [ -n "$datadir" ] && [ -e "$datadir/grastate.dat" ]; then # it has been a node before
	position=$(mariadbd "$@" --wsrep-recover 2>&1 >/dev/null | sed -n 's/.*WSREP: Recovered position: *//p' | tail -1) || true
fi
if [ -n "$position" ]; then
	exec mariadbd "$@" --wsrep-start-position="$position"
fi
exec mariadbd "$@"
