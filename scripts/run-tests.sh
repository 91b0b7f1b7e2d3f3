#!/usr/bin/env bash
# `make test` / `make e2e` / CI: pytest against throwaway PostgreSQL + Redis.
#   scripts/run-tests.sh [PYTEST_ARGS...]
# Exits with pytest's status, except that "no tests collected" (5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

read -ra UV <<<"${UV:-python3 -m uv}"
export DJANGO_SETTINGS_MODULE=prm.settings.test
# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls from it (live_server tests).
export DJANGO_ALLOW_ASYNC_UNSAFE=true

rc=0
scripts/with-services.sh "${UV[@]}" run pytest "$@" || rc=$?
if [ "$rc" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
