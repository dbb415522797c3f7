# Sourced by backup.sh and restore.sh: PostgreSQL client tools on PATH and DATABASE_URL as a
# libpq URI in $pg_uri (django-environ also accepts postgres://, pgsql:// and psql://).
if ! command -v pg_dump >/dev/null 2>&1 || [ -n "${PG_BIN:-}" ]; then
  pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  [ -n "$pg_bin" ] || { echo "PostgreSQL client tools not found (set PG_BIN)" >&2; exit 1; }
  PATH="$pg_bin:$PATH"
fi
[ -n "${DATABASE_URL:-}" ] || { echo "DATABASE_URL is not set" >&2; exit 1; }
case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://* | psql://*) ;;
  *) echo "DATABASE_URL must be a PostgreSQL URL, not ${DATABASE_URL%%://*}://" >&2; exit 1 ;;
esac
pg_uri="postgresql://${DATABASE_URL#*://}"
