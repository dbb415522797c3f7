#!/usr/bin/env bash
# Restore a Dudao backup made by scripts/backup.sh into a fresh database.
#
#   scripts/restore.sh DUMP [MEDIA_TARBALL]
#
# The database named by DATABASE_URL is created here (it must not exist yet: restoring over
# live data is refused) and the dump loaded into it in one transaction. With MEDIA_TARBALL,
# the files are unpacked into DJANGO_MEDIA_ROOT, which must be empty or absent. Then point the
# application at the new database (or rename it) and restart dudao-web, -worker and -beat.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh

dump=${1:?usage: scripts/restore.sh DUMP [MEDIA_TARBALL]}
tarball=${2:-}
[ -f "$dump" ] || { echo "No such dump: $dump" >&2; exit 1; }
[ -z "$tarball" ] || [ -f "$tarball" ] || { echo "No such archive: $tarball" >&2; exit 1; }

# postgresql://user@host:port/name?options -> name, and the same server's maintenance database.
rest=${pg_uri#postgresql://}
path=${rest#*/}
[ "$path" != "$rest" ] || { echo "DATABASE_URL names no database" >&2; exit 1; }
name=${path%%\?*}
query=${path#"$name"}
server="postgresql://${rest%%/*}"
maintenance="$server/${PG_MAINTENANCE_DB:-postgres}$query"

createdb --maintenance-db="$maintenance" "$name" \
  || { echo "Could not create database $name (it must not exist yet)" >&2; exit 1; }
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$pg_uri" "$dump"
echo "Database restored into $name"

if [ -n "$tarball" ]; then
  media=${DJANGO_MEDIA_ROOT:-var/media}
  mkdir -p "$media"
  [ -z "$(ls -A "$media")" ] || { echo "$media is not empty; files not restored" >&2; exit 1; }
  tar -xzf "$tarball" -C "$media"
  echo "Files restored into $media"
fi
