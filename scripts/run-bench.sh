#!/usr/bin/env bash
# `make bench`: the deals benchmark against throwaway PostgreSQL + Redis.
#   scripts/run-bench.sh [S|M|L]      (default M)
# Migrates, generates the scale's data, prints the EXPLAIN summary, the timed scenarios and
# the conflict-check quality. Results: bench/results/<scale>.json, quality-<scale>.json.
# with-services.sh stops the services and deletes their directory whatever happens; every
# step runs in the foreground, so nothing is left running. A missed target does not fail.
set -euo pipefail
cd "$(dirname "$0")/.."

export SCALE=${1:-M}
case $SCALE in S|M|L) ;; *) echo "error: SCALE must be S, M or L" >&2; exit 2 ;; esac
read -ra UV <<<"${UV:-python3 -m uv}"
export DJANGO_SETTINGS_MODULE=bench.settings

# shellcheck disable=SC2016  # expanded by the inner shell, inside the services' environment
exec scripts/with-services.sh bash -c '
  set -euo pipefail
  "$@" python manage.py migrate --noinput >/dev/null
  "$@" python manage.py createcachetable
  "$@" python -m bench generate --scale "$SCALE"
  "$@" python -m bench explain --scale "$SCALE" | sed -n "/^EXPLAIN ANALYZE summary/,\$p"
  "$@" python -m bench run --scale "$SCALE"
  "$@" python -m bench quality --scale "$SCALE"
' bench "${UV[@]}" run
