#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster and a Redis server on loopback, run the given command
# with DATABASE_URL and CELERY_BROKER_URL pointing at them, then stop both.
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL binaries not found" >&2; exit 1; }
work=$(mktemp -d /tmp/dudao-services.XXXXXX)
pg_port=${PG_PORT:-55432}
redis_port=${REDIS_PORT:-56379}
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root.
  chown postgres "$work" 2>/dev/null || { useradd -r postgres && chown postgres "$work"; }
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"${run_as[@]}" "$pg_bin/initdb" -D "$work/pg" -U dudao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U dudao dudao
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
export DATABASE_URL="postgres://dudao@127.0.0.1:$pg_port/dudao"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0"
export REDIS_URL="$CELERY_BROKER_URL"
echo "PostgreSQL on :$pg_port and Redis on :$redis_port"
"$@"
