#!/usr/bin/env bash
# Run a command against throwaway PostgreSQL + Redis:
#   scripts/with-services.sh CMD [ARGS...]
# Starts both in a fresh directory under /tmp (fsync off: the data is thrown away), exports
# PGHOST, DATABASE_URL, REDIS_URL..., runs CMD, then stops the services and deletes the
# directory whatever happens. Exits with CMD's status.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
services="$(cd "$(dirname "$0")" && pwd)/services.sh"

DIR=$(mktemp -d /tmp/prm-test.XXXXXX)
trap '"$services" destroy "$DIR" >/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PG_FAST=1 "$services" start "$DIR" >/dev/null
eval "$("$services" env "$DIR")"

rc=0
"$@" || rc=$?
exit "$rc"
