#!/usr/bin/env bash
# make gen: regenerate every model, rpc and gateway from its source (schema.sql, .proto, .api)
# with the pinned goctl and protoc plugins. Prints one line per step and ends with the files it
# created or changed; goctl's own output goes to .gen.log (shown in full when a step fails).
#
# protoc comes from the OS, so its version line in *.pb.go is normalised: protoc-gen-go's output
# depends on protoc's version only through that line (deploy/protoc_test.go proves it).
set -euo pipefail
cd "$(dirname "$0")/../.."

MIN_PROTOC=3.21.12
SERVICES=${SERVICES:-user order payment}
LOG=.gen.log
: >"$LOG"

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

command -v protoc >/dev/null || {
	echo "gen: protoc is missing: install the OS package 'protobuf-compiler' (deploy/scripts/deps.sh protoc)" >&2
	exit 1
}
have=$(protoc --version | awk '{print $2}')
version_ge "$have" "$MIN_PROTOC" || { echo "gen: protoc $have is older than $MIN_PROTOC" >&2; exit 1; }

snapshot() { find apps pkg/events doc/api e2e/apiclient -type f -print0 | sort -z | xargs -0 sha256sum; }
before=$(mktemp)
trap 'rm -f "$before"' EXIT
snapshot >"$before"

# Each step prints its number, what it does and, when it ends, how long it took: the first run
# compiles goctl and the protoc plugins (a minute or two), later ones take seconds.
read -ra services <<<"$SERVICES"
total=$((3 + 3 * ${#services[@]})) n=0
run_step() { # run_step <label> <command...>
	local label=$1 started=$SECONDS
	shift
	n=$((n + 1))
	printf 'gen: [%2d/%d] %-44s ' "$n" "$total" "$label"
	if "$@" >>"$LOG" 2>&1; then
		echo "ok ($((SECONDS - started))s)"
	else
		echo FAILED
		cat "$LOG" >&2
		exit 1
	fi
}
step() { run_step "$1" make --no-print-directory -s "$2"; } # step <label> <make target>

run_step "goctl (the first run compiles it)" go tool -modfile=deploy/tools/go.mod goctl --version
step "protoc plugins (the first run compiles them)" gen-tools
step "events (events.proto)" gen-events
for s in $SERVICES; do
	step "$s model (schema.sql)" "gen-$s-model"
	step "$s rpc ($s.proto)" "gen-$s-rpc"
	step "$s api ($s.api)" "gen-$s-api"
done
# Normalise the protoc version line (see above).
find apps pkg/events -name '*.pb.go' -exec sed -i -E \
	-e 's#^// \tprotoc +v[0-9.]+.*$#// \tprotoc        (normalised by make gen)#' \
	-e 's#^// - protoc +v[0-9.]+.*$#// - protoc             (normalised by make gen)#' {} +

{ snapshot | diff "$before" - || true; } | awk '
	/^</ { old[$3] = 1 }
	/^>/ { if ($3 in old) { changed[$3] = 1; delete old[$3] } else created[$3] = 1 }
	END {
		for (f in created) print "gen: created " f
		for (f in changed) print "gen: changed " f
		for (f in old) print "gen: gone    " f
		if (length(created) + length(changed) + length(old) == 0) print "gen: nothing changed"
	}' | sort
