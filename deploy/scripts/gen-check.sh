#!/usr/bin/env bash
# Fails when `make gen` would change anything: generated code must match its .api/.proto/SQL
# sources and the goctl templates in deploy/goctl. Works on a dirty tree too: it compares a copy
# taken before regenerating with the result, and prints the difference.
set -euo pipefail
cd "$(dirname "$0")/../.."

before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
mkdir -p "$before/doc" "$before/e2e" "$before/pkg"
cp -a apps "$before/apps"
cp -a doc/api "$before/doc/api"
cp -a e2e/apiclient "$before/e2e/apiclient"
cp -a pkg/events "$before/pkg/events"
make --no-print-directory gen
status=0
for d in apps pkg/events doc/api e2e/apiclient; do
	diff -ruN "$before/$d" "$d" | sed "s#$before/##" || status=1
done
if [ "$status" -ne 0 ]; then
	echo "gen-check: 'make gen' changed the files above (diff: before -> after); run 'make gen' and commit the result." >&2
	exit 1
fi
echo "gen-check: generated code is up to date"
