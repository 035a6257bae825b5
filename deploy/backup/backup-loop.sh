#!/bin/sh
# The backup service: runs backup.sh every night at BACKUP_TIME (UTC, default 01:30).
set -eu
at="${BACKUP_TIME:-01:30}"
while true; do
    now=$(date -u +%s)
    next=$(date -u -d "today $at" +%s)
    if [ "$next" -le "$now" ]; then
        next=$(date -u -d "tomorrow $at" +%s)
    fi
    sleep $((next - now))
    /usr/local/bin/backup.sh || echo "backup: failed; next attempt tomorrow" >&2
done
