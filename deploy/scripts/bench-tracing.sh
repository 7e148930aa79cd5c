#!/usr/bin/env bash
# make bench-tracing: what tracing costs, in one run. make bench's baseline (wrk on every endpoint,
# 32 connections, DURATION each) on a fresh stack per mode, ROUNDS times in turn:
#   off   no exporter (make run's default): spans are not recorded, only their ids travel
#   0.1   TRACING=1 with production's default sampling (TRACE_SAMPLER=0.1)
#   1     TRACING=1 keeping every trace
# With TRACING=1 the local Jaeger ingests the spans on the same machine, as under make run.
# Prints GET /user/v1/me and POST /order/v1/orders per mode and round; whole logs in
# .run/bench-tracing/.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
out=.run/bench-tracing
rm -rf "$out"
mkdir -p "$out"

for round in $(seq 1 "$ROUNDS"); do
	for mode in off 0.1 1; do
		echo "[bench-tracing] round $round/$ROUNDS, tracing $mode"
		vars=(TRACING= TRACE_SAMPLER=)
		[ "$mode" = off ] || vars=(TRACING=1 TRACE_SAMPLER="$mode")
		env "${vars[@]}" deploy/scripts/bench.sh -suite growth -growth=false -floor-rounds 0 -duration "$DURATION" \
			>"$out/$mode-$round.log" 2>&1 || { tail -30 "$out/$mode-$round.log"; exit 1; }
		grep -E '^ +baseline +(GET /user/v1/me|POST /order/v1/orders) +[0-9]+ req/s' "$out/$mode-$round.log" | sed "s/^/  $mode: /"
	done
done

echo
echo "tracing  endpoint               req/s per round                 mean   vs off"
for endpoint in "GET /user/v1/me" "POST /order/v1/orders"; do
	for mode in off 0.1 1; do
		cat "$out/$mode"-*.log | grep -E "^ +baseline +$endpoint +[0-9]+ req/s" | awk -v m="$mode" -v e="$endpoint" '{ rps[NR] = $(NF-6); sum += $(NF-6) }
			END { line = ""; for (i = 1; i <= NR; i++) line = line sprintf("%7.0f", rps[i]); printf "%-8s %-22s %-30s %7.0f\n", m, e, line, sum / NR }'
	done
done | awk '$1 == "off" { base[$2 $3] = $NF } { printf "%s   %+.1f %%\n", $0, ($NF / base[$2 $3] - 1) * 100 }'
