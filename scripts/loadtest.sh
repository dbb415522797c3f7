#!/usr/bin/env bash
# `make loadtest`: 50 simulated users against gunicorn + PostgreSQL + Redis/Celery on this
# machine for 60 s (bench/loadtest/locustfile.py), then the figures into docs/benchmarks.md.
#
# Everything is throw-away and on loopback: a PostgreSQL cluster and a Redis server from
# scripts/with-services.sh, the demo district (seed_demo) migrated into it, production settings,
# gunicorn and one Celery worker on 127.0.0.1, locust aimed at 127.0.0.1 only. Every step is
# bounded in time, and the whole run by LOADTEST_TIMEOUT (default 900 s).
#
#   scripts/loadtest.sh                        # 50 users, 10 a second, 60 s
#   LOADTEST_USERS=20 LOADTEST_TIME=30s scripts/loadtest.sh --no-write
#   LOADTEST_CITY=1 scripts/loadtest.sh        # `make loadtest-city`: the 100,000-worker district
#
# LOADTEST_CITY=1 runs against a copy of `make bench-city`'s 104,500-worker database
# (bench/city/: its cluster under /var/tmp/dudao-city, seeded once, started here if needed),
# made from it as a template and dropped afterwards, so the run's writes never reach it. That
# database was seeded with the local settings' public PII keys, so this run uses them too.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DUDAO_LOADTEST_SERVICES:-}" ]; then
  # Outer call: start the services and come back in with DATABASE_URL and CELERY_BROKER_URL.
  # timeout signals its whole process group, so a stuck step cannot outlive the bound.
  # Free ports, so a test suite running its own services on the defaults is not disturbed.
  free_port='import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  PG_PORT=${PG_PORT:-$(.venv/bin/python -c "$free_port")}
  REDIS_PORT=${REDIS_PORT:-$(.venv/bin/python -c "$free_port")}
  export PG_PORT REDIS_PORT
  exec env DUDAO_LOADTEST_SERVICES=1 timeout --kill-after=30 "${LOADTEST_TIMEOUT:-900}" \
    scripts/with-services.sh "$0" "$@"
fi

users=${LOADTEST_USERS:-50}
rate=${LOADTEST_RATE:-10}
duration=${LOADTEST_TIME:-60s}
workers=${GUNICORN_WORKERS:-5}  # deploy/gunicorn.conf.py's default on 2 CPUs: 2 x 2 + 1
venv=.venv/bin
work=$(mktemp -d /tmp/dudao-loadtest.XXXXXX)
port=$("$venv/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Production settings, from the environment as in deploy/env.example, with what differs here:
# plain HTTP on loopback (no nginx: no TLS redirect, no X-Real-IP to trust), no TOTP for the
# district login, a secret key made for this run, media in the throw-away folder.
# LOADTEST_DB_QUERY, e.g. "options=-c%20jit%3Doff", is added to DATABASE_URL's query string to
# try a connection setting; the figures say so when it is used.
if [ -n "${LOADTEST_DB_QUERY:-}" ]; then export DATABASE_URL="$DATABASE_URL?$LOADTEST_DB_QUERY"; fi
export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY="loadtest-$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DUDAO_PII_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
export DUDAO_PII_HASH_KEY="loadtest-$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export DJANGO_SECURE_SSL_REDIRECT=False
export DUDAO_TRUST_X_REAL_IP=False
export DUDAO_REQUIRE_2FA=False
export DJANGO_MEDIA_ROOT="$work/media"
export DJANGO_LOG_LEVEL=WARNING
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$workers"
export GUNICORN_ACCESS_LOG="$work/access.log" GUNICORN_ERROR_LOG="$work/gunicorn.log"
export DUDAO_LOADTEST_OUT="$work/results.json"
mkdir -p "$DJANGO_MEDIA_ROOT"

pids=()
stop() {
  # Only the processes started here, by their ids: gunicorn's master stops its workers.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop
  if declare -F drop_copy >/dev/null; then drop_copy; fi
  if [ -n "${KEEP_LOADTEST_DIR:-}" ]; then echo "Logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

city=()
if [ -n "${LOADTEST_CITY:-}" ]; then
  echo "== database: a copy of bench-city's 104,500-worker district"
  copy=dudao_city_50_loadtest
  timeout 600 "$venv/python" - "$copy" <<'PY'
import sys
from pathlib import Path
from bench.city.cluster import Cluster
cluster = Cluster(Path("/var/tmp/dudao-city"), 55490)
cluster.start()
if "dudao_city_50" not in cluster.databases():
    sys.exit("no dudao_city_50 database: run `make bench-city` first (it seeds it once)")
cluster.drop_database(sys.argv[1])
with cluster.connect() as conn:
    conn.execute(f'CREATE DATABASE "{sys.argv[1]}" TEMPLATE dudao_city_50')
PY
  export DATABASE_URL="postgres://dudao@127.0.0.1:55490/$copy"
  drop_copy() {
    "$venv/python" -c "import sys; from pathlib import Path; from bench.city.cluster import Cluster; Cluster(Path('/var/tmp/dudao-city'), 55490).drop_database(sys.argv[1])" "$copy" || true
  }
  # config/settings/base.py's _insecure_key: the keys the local settings seeded it with.
  key() { "$venv/python" -c "import base64, hashlib, sys; print(base64.urlsafe_b64encode(hashlib.sha256(f'dudao-INSECURE-local-{sys.argv[1]}-key'.encode()).digest()).decode())" "$1"; }
  DUDAO_PII_KEY=$(key pii)
  DUDAO_PII_HASH_KEY=$(key pii-hash)
  export DUDAO_PII_KEY DUDAO_PII_HASH_KEY
  timeout 300 "$venv/python" manage.py migrate --no-input -v0
  # The steady state the background refreshes keep (certification/snapshots.py,
  # reports/snapshots.py): the month ends of the rate trend and the dashboards of the periods
  # the users below open, each computed once here. Without this the first viewer of each pays
  # the live computation (docs/benchmarks.md, "City scale": reports-live).
  echo "== snapshots the users' dashboards read (as the background refresh keeps them)"
  warm_started=$(date +%s)
  timeout 900 "$venv/python" manage.py shell -c '
from django.utils import timezone, translation
from certification.snapshots import rate_snapshots_refresh
from reports.periods import Period, PeriodKind
from reports.snapshots import dashboard_snapshot, report_snapshots_refresh, storable
today = timezone.localdate()
rate_snapshots_refresh(today)
report_snapshots_refresh(today)
year = today.year
periods = [Period(PeriodKind.MONTH, year, m) for m in range(1, 11)]
periods += [Period(PeriodKind.QUARTER, year, q) for q in range(1, 4)]
periods.append(Period(PeriodKind.YEAR, year - 1, 1))
with translation.override("zh-hans"):
    for period in periods:
        if storable(period):
            dashboard_snapshot(period=period, subdistrict_id=None, language="zh-hans")
'
  echo "   computed in $(( $(date +%s) - warm_started )) s"
  city=(--city)
else
  echo "== database: migrate and seed the demo district"
  timeout 300 "$venv/python" manage.py migrate --no-input -v0
  seed_started=$(date +%s)
  timeout 600 "$venv/python" manage.py seed_demo >"$work/seed.log"
  seed_seconds=$(( $(date +%s) - seed_started ))
  echo "   seeded in $seed_seconds s"
fi
timeout 120 "$venv/python" manage.py collectstatic --no-input -v0

echo "== gunicorn ($workers workers) on 127.0.0.1:$port and one Celery worker"
"$venv/gunicorn" config.wsgi -c deploy/gunicorn.conf.py &
pids+=($!)
# Niced as in deploy/systemd/dudao-worker.service (Nice=10) and deploy/Procfile.
nice -n 10 "$venv/celery" -A config worker --loglevel=WARNING --concurrency=1 --prefetch-multiplier=1 \
  -O fair >"$work/celery.log" 2>&1 &
pids+=($!)
# Up when the login page answers; then that page a few times per worker, so no measured request
# pays for a cold worker (the rest of Django's imports, the first database connection).
"$venv/python" - "$port" "$workers" <<'PY'
import sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
port, workers = sys.argv[1], int(sys.argv[2])
url = f"http://127.0.0.1:{port}/accounts/login/"
for _ in range(120):
    try:
        urllib.request.urlopen(url, timeout=5).read()
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit("gunicorn did not come up")
with ThreadPoolExecutor(workers) as pool:
    list(pool.map(lambda _: urllib.request.urlopen(url, timeout=30).read(), range(workers * 4)))
PY
timeout 60 "$venv/celery" -A config inspect ping --timeout 5 >/dev/null 2>&1 \
  || { sleep 5; timeout 60 "$venv/celery" -A config inspect ping --timeout 10 >/dev/null; }
load_before=$(cut -d' ' -f1 /proc/loadavg)

echo "== locust: $users users, $rate a second, $duration"
locust_rc=0
timeout 300 "$venv/locust" -f bench/loadtest/locustfile.py --headless --only-summary \
  --host "http://127.0.0.1:$port" -u "$users" -r "$rate" -t "$duration" --stop-timeout 10 \
  --csv "$work/locust" --loglevel WARNING || locust_rc=$?
load_after=$(cut -d' ' -f1 /proc/loadavg)
stop

errors=$(grep -cE '" 5[0-9]{2} ' "$work/access.log" || true)
echo "   gunicorn answered $(wc -l <"$work/access.log") requests, $errors with a 5xx"
"$venv/python" -m bench.loadtest.report --csv "$work/locust" --results "$DUDAO_LOADTEST_OUT" \
  --users "$users" --rate "$rate" --duration "$duration" --workers "$workers" \
  --load-before "$load_before" --load-after "$load_after" --db-query "${LOADTEST_DB_QUERY:-}" \
  ${city[@]+"${city[@]}"} "$@"
exit "$locust_rc"
