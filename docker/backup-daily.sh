#!/bin/sh
# The compose file's `backup` service: an archive every day at BACKUP_AT (UTC,
# HH:MM), kept BACKUP_KEEP_DAYS days in /app/var/backups (the `backups` volume).
# Whenever the newest archive is older than 23 hours (first start, or the
# day's backup failed) it backs up at once, retrying every 10 minutes.
set -u
at="${BACKUP_AT:-18:30}"
keep="${BACKUP_KEEP_DAYS:-14}"
dir="${BACKUP_DIR:-/app/var/backups}"

backup() {
    python manage.py backup --dir "$dir" --keep-days "$keep"
}

while true; do
    if [ -z "$(find "$dir" -maxdepth 1 -name 'servicedesk-*.tar' -mmin -1380)" ]; then
        backup || { echo "backup failed; retrying in 10 minutes" >&2; sleep 600; }
        continue
    fi
    now=$(date -u +%s)
    next=$(date -u -d "$at" +%s)
    [ "$next" -gt "$now" ] || next=$((next + 86400))
    sleep $((next - now))
    backup || echo "backup failed" >&2
done
