#!/usr/bin/env bash
# `make run`: the demo on http://localhost:8000 with PostgreSQL + Redis in .local/ (kept
# between runs). Migrates, seeds the demo data, then runs the web server, a Celery worker and
# Celery beat until Ctrl-C, which stops all three and the services this script started.
#
#   scripts/run-demo.sh              everything above
#   scripts/run-demo.sh --data-only  only migrate + seed (`make demo-data`), then stop services
#   PORT=8001 scripts/run-demo.sh    another port (the banner's URLs then use it too)
set -euo pipefail
cd "$(dirname "$0")/.."

read -ra UV <<<"${UV:-python3 -m uv}"
DIR=.local
PORT=${PORT:-8000}
pids=()
started_services=0

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  trap - EXIT INT TERM
  local pid
  # Each process runs in its own process group (set -m below): signalling the group also
  # reaches the children of `uv run` and runserver's autoreloader.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  # Leave services alone if they were already running (e.g. another `make run`).
  if [ "$started_services" = 1 ]; then scripts/services.sh stop "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! scripts/services.sh status "$DIR" 2>/dev/null; then started_services=1; fi
scripts/services.sh start "$DIR"
eval "$(scripts/services.sh env "$DIR")"
export EMAIL_FILE_PATH="$PWD/$DIR/mail"
mkdir -p "$EMAIL_FILE_PATH"
# The demo shows the product's own error pages (prm/settings/demo.py: DEBUG off unless
# DJANGO_DEBUG=true), and its emails link to the port it runs on.
export DJANGO_SETTINGS_MODULE=prm.settings.demo
if [ -z "${TENANT_URL_TEMPLATE:-}" ]; then export TENANT_URL_TEMPLATE="http://{host}:$PORT"; fi

"${UV[@]}" run python manage.py migrate --noinput
"${UV[@]}" run python manage.py createcachetable
"${UV[@]}" run python manage.py seed_demo
if [ "${1:-}" = --data-only ]; then exit 0; fi

# Job control gives every background job its own process group (see cleanup) and keeps
# SIGINT from being ignored in them as it would be in a non-interactive shell. It is turned
# off again right away so that foreground commands below never take over the terminal.
set -m
# --insecure: runserver serves the static files even with DEBUG off (the demo only).
"${UV[@]}" run python manage.py runserver --insecure "0.0.0.0:$PORT" & pids+=("$!")
"${UV[@]}" run celery -A prm worker --pool=solo --without-gossip --without-mingle --loglevel=info & pids+=("$!")
"${UV[@]}" run celery -A prm beat -S django --loglevel=info & pids+=("$!")
set +m

# Print the banner once the web server answers, so that it is not lost in startup logs.
for _ in $(seq 60); do
  if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then break; fi
  sleep 0.5
done
printf '\n'
sed "s/:8000/:$PORT/g" scripts/demo-banner.txt
printf '\n'

# Stop everything as soon as any of the three exits (a crash should not go unnoticed).
rc=0
wait -n "${pids[@]}" || rc=$?
echo "run-demo: a process exited (status $rc); stopping the others" >&2
exit "$rc"
