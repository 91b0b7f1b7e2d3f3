#!/usr/bin/env bash
# `make test` / `make e2e` / CI: pytest against throwaway PostgreSQL + Redis.
#   scripts/run-tests.sh [PYTEST_ARGS...]
# Runs on TEST_WORKERS processes (pytest-xdist; default 2, one per core; 0 runs in one process)
# and prints the 25 slowest tests and the total time at the end.
# Exits with pytest's status, except that "no tests collected" (5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

read -ra UV <<<"${UV:-python3 -m uv}"
export DJANGO_SETTINGS_MODULE=prm.settings.test
# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls from it (live_server tests).
export DJANGO_ALLOW_ASYNC_UNSAFE=true

# loadgroup: like load, but tests marked xdist_group(name) share a worker (tests/test_worlds.py).
workers=${TEST_WORKERS:-2}
xdist=()
[ "$workers" = 0 ] || xdist=(-n "$workers" --dist loadgroup)

started=$(date +%s)
rc=0
scripts/with-services.sh "${UV[@]}" run pytest --durations=25 "${xdist[@]}" "$@" || rc=$?
elapsed=$(( $(date +%s) - started ))
printf 'tests: %d min %02d s with services (pytest exit %d, %s workers)\n' \
  $(( elapsed / 60 )) $(( elapsed % 60 )) "$rc" "$workers"
if [ "$rc" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
