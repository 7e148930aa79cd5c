#!/usr/bin/env bash
# Fails when `make gen` would change anything: generated code must match its .api/.proto/SQL
# sources. Works on a dirty tree too, by comparing file hashes before and after regenerating.
set -euo pipefail
cd "$(dirname "$0")/../.."

snapshot() {
	find apps doc/api -type f -print0 | sort -z | xargs -0 sha256sum
}

before=$(mktemp)
after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"
make --no-print-directory gen >/dev/null
snapshot >"$after"
if ! diff -u "$before" "$after"; then
	echo "gen-check: 'make gen' changed the files above; run 'make gen' and commit the result." >&2
	exit 1
fi
echo "gen-check: generated code is up to date"
