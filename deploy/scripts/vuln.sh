#!/usr/bin/env bash
# make vuln: govulncheck over the production code (the main module's packages, tests excluded;
# deploy/devetcd and the tools are separate modules and never ship). It needs its vulnerability
# database: GOVULNDB (a URL or file:///path to a snapshot), by default https://vuln.go.dev. When
# the database cannot be reached the check is skipped, loudly, and the target succeeds: an offline
# machine cannot know about vulnerabilities, and pretending it checked would be worse. Where the
# database must be reachable (the GitHub workflow), ZEROMALL_VULN_REQUIRED=1 makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/build.env
. deploy/build.env

DB=${GOVULNDB:-https://vuln.go.dev}
reachable() {
	case "$DB" in
	file://*) [ -e "${DB#file://}/index/db.json" ] || [ -e "${DB#file://}/index/db.json.gz" ] ;;
	*) curl -fsS --max-time 10 -o /dev/null "$DB/index/db.json.gz" 2>/dev/null || curl -fsS --max-time 10 -o /dev/null "$DB/index/db.json" 2>/dev/null ;;
	esac
}
if ! reachable; then
	if [ -n "${ZEROMALL_VULN_REQUIRED:-}" ]; then
		echo "vuln: FAILED - the vulnerability database $DB cannot be reached and ZEROMALL_VULN_REQUIRED is set" >&2
		exit 1
	fi
	echo "vuln: SKIPPED - the vulnerability database $DB cannot be reached from this machine (set GOVULNDB to a snapshot, file:///path)"
	exit 0
fi
echo "vuln: govulncheck against $DB"
go tool -modfile=deploy/tools/lint/go.mod govulncheck -db "$DB" -tags "$GO_TAGS" ./...
