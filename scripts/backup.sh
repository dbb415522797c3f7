#!/usr/bin/env bash
# Back up Dudao: the database named by DATABASE_URL (pg_dump, custom format) and the files in
# DJANGO_MEDIA_ROOT (a tar), both stamped with the same UTC time; keep the newest N of each.
#
#   scripts/backup.sh [BACKUP_DIR]
#
# BACKUP_DIR defaults to $DUDAO_BACKUP_DIR, else /var/backups/dudao; DUDAO_BACKUP_KEEP (default
# 14) backups are kept. Run from cron or a systemd timer as the dudao user with /etc/dudao/env
# loaded. Restore with scripts/restore.sh.
#
# ID numbers in the dump and the stored files in the tar are encrypted with DUDAO_PII_KEY
# (core/crypto.py), which the backup does not contain: keep the keys safe apart from it, or the
# backup cannot be read.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh

dir=${1:-${DUDAO_BACKUP_DIR:-/var/backups/dudao}}
keep=${DUDAO_BACKUP_KEEP:-14}
media=${DJANGO_MEDIA_ROOT:-var/media}
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "DUDAO_BACKUP_KEEP must be a positive number" >&2; exit 1; }
mkdir -p "$dir"
umask 077  # personal data: readable by the backup owner only

stamp=$(date -u +%Y%m%d-%H%M%S)
dump="$dir/dudao-$stamp.dump"
tarball="$dir/dudao-$stamp-media.tar.gz"

# Written under a temporary name and renamed when complete, so a failed run never leaves
# something that looks like a good backup.
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" "$pg_uri"
if [ -d "$media" ]; then
  tar -czf "$tarball.partial" -C "$media" .
else
  tar -czf "$tarball.partial" --files-from /dev/null
fi
mv "$dump.partial" "$dump"
mv "$tarball.partial" "$tarball"
echo "$dump"
echo "$tarball"

# Keep the newest $keep (the stamp sorts by time).
ls -1 "$dir"/dudao-*.dump 2>/dev/null | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
  rm -f -- "$old" "${old%.dump}-media.tar.gz"
done
