#!/usr/bin/env bash
# Builds Jaeger (cmd/jaeger, v2) at this module's pinned version into a cache outside the repo,
# keyed by go.mod and go.sum: a second run with the same pins builds nothing. Prints the binary's
# path. Cold, on 2 cores, this takes about 5 minutes.
# The binary serves Jaeger's query API; its web UI is a placeholder page, because the UI's assets
# are built with npm, which upstream's Go module does not carry.
set -euo pipefail
cd "$(dirname "$0")"

version=$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit }' go.mod)
key=$(cat go.mod go.sum | sha256sum | cut -c1-12)
dir=${ZEROMALL_JAEGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeromall/jaeger}/$version-$key
if [[ ! -x $dir/jaeger ]]; then
	echo "building Jaeger $version into $dir (cold: about 5 minutes on 2 cores)" >&2
	start=$SECONDS
	tmp=$dir.tmp.$$
	mkdir -p "$tmp"
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
	rm -rf "$dir"
	mv "$tmp" "$dir"
	# Binaries of other pins are of no further use.
	find "$(dirname "$dir")" -mindepth 1 -maxdepth 1 -type d ! -path "$dir" -exec rm -rf {} +
	echo "built in $((SECONDS - start)) s" >&2
fi
echo "$dir/jaeger"
