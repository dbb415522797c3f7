#!/usr/bin/env bash
# Serve Dudao locally: a Celery worker (with beat) on the server-less SQLite broker, and the
# Django development server. Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
cd "$(dirname "$0")/.."
mkdir -p var
.venv/bin/celery -A config worker -B -l warning --concurrency 1 \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "督导 Dudao: http://$host:$port/  (background worker log: var/celery.log)"
.venv/bin/python manage.py runserver "$host:$port"
