#!/usr/bin/env bash
# Local PostgreSQL + Redis for development, tests and CI, run as plain processes
# (no Docker, no system services) and reachable only through unix sockets in DIR.
#
#   scripts/services.sh check          ensure postgres/redis (and chromium if NEED_BROWSER=1)
#   scripts/services.sh start DIR      start both (data in DIR/pg, kept between runs)
#   scripts/services.sh env DIR        print `export` lines (PGHOST, DATABASE_URL, REDIS_URL...)
#   scripts/services.sh status DIR     exit 0 if both are running
#   scripts/services.sh stop DIR       stop both (never fails if already stopped)
#   scripts/services.sh destroy DIR    stop both and delete DIR with all its data
#   scripts/services.sh redis-stop DIR / redis-start DIR   only Redis (outbox fault tests)
#
# Environment: PG_BIN (directory holding initdb/pg_ctl), PG_FAST=1 (fsync off: throwaway
# data only), NEED_BROWSER=1 (check also wants chromium).
#
# Running as root: PostgreSQL refuses to run as root, so the pg binaries run as user
# `postgres` (runuser) and DIR is chowned to it. Two things can make DIR itself unusable:
#   - user postgres cannot reach it (e.g. a checkout under /root, which is mode 700);
#   - its path is too long for a unix socket (~107 bytes) or has characters that would
#     need quoting in URLs/pg_ctl options.
# In those cases the real directory lives at /var/tmp/prm-services-<uid>-<hash of DIR>
# (/var/tmp survives reboots, so `make run` keeps its data) and DIR becomes a symlink to it.
# `env` always prints the resolved real path, which is what clients must use.
set -euo pipefail

PG_MIN_VERSION=15

say() { printf 'services: %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command silently; show its output only if it fails.
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    return 1
  fi
}

is_root() { [ "$(id -u)" = 0 ]; }

# Prefix for commands that must run as the postgres user when we are root.
as_pg() {
  # cd /: postgres may not be allowed into the caller's working directory.
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Newest /usr/lib/postgresql/N/bin with N >= 15 (or $PG_BIN); prints nothing if none.
find_pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && printf '%s\n' "$PG_BIN"
    return 0
  fi
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    local v=${d#/usr/lib/postgresql/}; v=${v%/bin}
    if [ ! -x "$d/initdb" ] || [ ! -x "$d/pg_ctl" ] || [[ ! $v =~ ^[0-9]+$ ]] \
      || [ "$v" -lt "$PG_MIN_VERSION" ]; then
      continue
    fi
    if [ -z "$best" ] || [ "$v" -gt "${best%%:*}" ]; then best="$v:$d"; fi
  done
  [ -n "$best" ] && printf '%s\n' "${best#*:}"
  return 0
}

pg_bin() {
  local b
  b=$(find_pg_bin)
  [ -n "$b" ] || die "PostgreSQL >= $PG_MIN_VERSION server binaries not found (run: scripts/services.sh check, or set PG_BIN)"
  printf '%s\n' "$b"
}

# Fill `missing` (descriptions) and `pkgs` (Debian packages) with what is not installed.
detect_missing() {
  missing=() pkgs=()
  if [ -z "$(find_pg_bin)" ]; then
    missing+=("PostgreSQL >= $PG_MIN_VERSION (initdb, pg_ctl)"); pkgs+=(postgresql postgresql-contrib)
  fi
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    missing+=(redis-server); pkgs+=(redis-server)
  fi
  # WeasyPrint (prm/pdf.py) lays PDFs out with Pango and HarfBuzz and finds only DejaVu fonts
  # for sure; the PDF tests read what it wrote back with poppler (pdftotext, pdfimages).
  local libs
  libs=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
  if [[ $libs != *libpangoft2-1.0.so.0* ]]; then
    missing+=("Pango (libpangoft2-1.0.so.0, for WeasyPrint)")
    pkgs+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
  fi
  if [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    missing+=("DejaVu fonts"); pkgs+=(fonts-dejavu-core)
  fi
  if ! command -v pdftotext >/dev/null || ! command -v pdfimages >/dev/null; then
    missing+=("poppler-utils (pdftotext, pdfimages)"); pkgs+=(poppler-utils)
  fi
  if [ "${NEED_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
    missing+=("chromium (/usr/bin/chromium)"); pkgs+=(chromium)
  fi
}

cmd_check() {
  if [ -n "${PG_BIN:-}" ] && [ -z "$(find_pg_bin)" ]; then
    die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
  fi
  local missing pkgs what
  detect_missing
  if is_root && command -v apt-get >/dev/null; then
    if [ ${#pkgs[@]} -gt 0 ]; then
      say "installing: ${pkgs[*]}"
      export DEBIAN_FRONTEND=noninteractive
      quiet apt-get update -qq
      quiet apt-get install -y -qq "${pkgs[@]}"
      detect_missing
    fi
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    what=$(printf '%s, ' "${missing[@]}")
    die "${what%, } not found; install it (Debian: apt-get install ${pkgs[*]})"
  fi
  what=""
  [ "${NEED_BROWSER:-0}" != 1 ] || what=", /usr/bin/chromium"
  say "check ok (postgres: $(find_pg_bin), $(command -v redis-server)$what)"
}

# --- DIR handling -------------------------------------------------------------

abs_path() {  # absolute path without resolving symlinks; DIR's parent must exist
  local d=$1
  [[ $d = /* ]] || d="$PWD/$d"
  [ "$d" = / ] || d=${d%/}
  printf '%s\n' "$d"
}

# Echo the real directory behind DIR (see the header comment), creating it if needed.
prepare_dir() {
  local dir real
  dir=$(abs_path "$1")
  if [ -L "$dir" ]; then
    real=$(readlink -f "$dir")
    mkdir -p "$real"
  else
    mkdir -p "$dir"
    real=$dir
    if ! dir_usable "$dir"; then
      # Only an empty directory can be swapped for a symlink without losing anything.
      [ -z "$(ls -A "$dir")" ] || die "$dir is not reachable by user postgres (or its path is too long); remove it or use a directory under /tmp"
      real="/var/tmp/prm-services-$(id -u)-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
      [ -d "$real" ] || mkdir -m 700 "$real"
      case $(stat -c %U "$real") in
        "$(id -un)"|postgres) ;;
        *) die "$real exists and belongs to someone else" ;;
      esac
      rmdir "$dir"
      ln -s "$real" "$dir"
      say "$dir -> $real (see comment in scripts/services.sh)" >&2
    fi
  fi
  if is_root; then chown postgres:postgres "$real"; fi
  printf '%s\n' "$real"
}

# A directory is usable when its path is short and plain, and user postgres can enter it.
dir_usable() {
  local dir=$1
  [ ${#dir} -le 80 ] || return 1
  [[ $dir =~ ^[A-Za-z0-9_./-]+$ ]] || return 1
  if is_root; then runuser -u postgres -- test -x "$(dirname "$dir")" || return 1; fi
}

# Real path of an existing DIR, without creating anything.
real_dir() {
  local dir
  dir=$(abs_path "$1")
  if [ -e "$dir" ]; then readlink -f "$dir"; else printf '%s\n' "$dir"; fi
}

# --- start / stop ---------------------------------------------------------------

pg_running() { [ -f "$1/pg/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" status -D "$1/pg" >/dev/null 2>&1; }
redis_running() { [ -S "$1/redis.sock" ] && [ "$(redis-cli -s "$1/redis.sock" ping 2>/dev/null)" = PONG ]; }

cmd_start() {
  local run bin opts
  run=$(prepare_dir "$1")
  bin=$(pg_bin)

  if pg_running "$run"; then
    say "postgres already running ($run)"
  else
    if [ ! -f "$run/pg/PG_VERSION" ]; then
      say "initdb $run/pg"
      quiet as_pg "$bin/initdb" -D "$run/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync
    fi
    opts="-k $run -c listen_addresses=''"
    [ "${PG_FAST:-0}" = 1 ] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    say "starting postgres ($run)"
    quiet as_pg "$bin/pg_ctl" start -D "$run/pg" -l "$run/pg.log" -w -t 60 -o "$opts" \
      || die "postgres did not start; see $run/pg.log"
  fi
  if [ "$("$bin/psql" -h "$run" -U postgres -d postgres -tAXc "SELECT 1 FROM pg_database WHERE datname = 'prm'")" != 1 ]; then
    say "creating database prm"
    quiet "$bin/createdb" -h "$run" -U postgres prm
  fi

  redis_start "$run"
}

redis_start() {
  local run=$1 i
  if redis_running "$run"; then
    say "redis already running ($run/redis.sock)"
    return 0
  fi
  say "starting redis ($run/redis.sock)"
  quiet redis-server --port 0 --unixsocket "$run/redis.sock" --unixsocketperm 777 \
    --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/redis.log" \
    --save '' --appendonly no --dir "$run"
  for i in $(seq 100); do
    redis_running "$run" && break
    [ "$i" = 100 ] && die "redis did not answer PING within 10 s; see $run/redis.log"
    sleep 0.1
  done
}

redis_stop() {
  local run=$1 pid
  if redis_running "$run"; then
    say "stopping redis"
    redis-cli -s "$run/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  elif [ -f "$run/redis.pid" ]; then
    # Not answering on its socket: fall back to the pid file, but make sure the pid still
    # belongs to a redis-server (pids get reused after a crash).
    pid=$(cat "$run/redis.pid")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
      say "stopping redis (pid $pid)"
      kill "$pid" 2>/dev/null || true
    fi
  fi
}

# Only Redis, for tests that take the broker away and bring it back (the outbox must cope).
cmd_redis_start() { redis_start "$(real_dir "$1")"; }
cmd_redis_stop() { redis_stop "$(real_dir "$1")"; }

cmd_stop() {
  local run
  run=$(real_dir "$1")
  [ -d "$run" ] || return 0
  redis_stop "$run"
  if [ -f "$run/pg/PG_VERSION" ] && [ -n "$(find_pg_bin)" ] && pg_running "$run"; then
    say "stopping postgres"
    quiet as_pg "$(pg_bin)/pg_ctl" stop -D "$run/pg" -m fast -w || true
  fi
}

cmd_status() {
  local run
  run=$(real_dir "$1")
  [ -n "$(find_pg_bin)" ] && pg_running "$run" && redis_running "$run"
}

cmd_destroy() {
  local dir run
  dir=$(abs_path "$1")
  run=$(real_dir "$dir")
  # Guard against a mistyped DIR: never delete /, a top-level directory, $HOME or a checkout.
  if [[ $run != /*/* ]] || [ "$run" = "${HOME:-/}" ] || [ -e "$run/.git" ]; then
    die "refusing to delete $run"
  fi
  cmd_stop "$dir"
  rm -rf "$run"
  [ -L "$dir" ] && rm -f "$dir"
  return 0
}

cmd_env() {
  local run
  run=$(real_dir "$1")
  # django-environ 0.14 turns a path in the URL's path part into HOST (a socket
  # directory): postgres://USER@//SOCKET_DIR/DBNAME gives HOST=SOCKET_DIR, NAME=DBNAME.
  # (`?host=DIR` ends up in OPTIONS with HOST='', and a %2F-encoded host is not decoded.)
  printf 'export %s=%q\n' \
    PGHOST "$run" \
    PGUSER postgres \
    PGDATABASE prm \
    DATABASE_URL "postgres://postgres@/$run/prm" \
    REDIS_URL "redis+socket://$run/redis.sock"
}

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cmd=${1:-}
case $cmd in
  check) cmd_check ;;
  start|stop|env|status|destroy)
    [ $# -eq 2 ] || usage
    "cmd_$cmd" "$2" ;;
  redis-start|redis-stop)
    [ $# -eq 2 ] || usage
    "cmd_${cmd//-/_}" "$2" ;;
  *) usage ;;
esac
