#!/bin/sh
# One backup of the 't LEF platform: a pg_dump of the database (custom format,
# made by the pg_dump of the server's own major version) and a tar of the
# uploads, each encrypted to a public key, kept for a stated time and copied off
# the machine. docs/deploy.md explains it; tests/lef/test_backup.py restores one.
#
# Environment:
#   DATABASE_URL         the database, e.g. postgres://lef:secret@db:5432/lef
#   BACKUP_PUBLIC_KEY    file with the OpenPGP public key the backups are encrypted to
#   BACKUP_DIR           where backups are kept (default /backups)
#   MEDIA_DIR            the uploads (default /data/media)
#   BACKUP_KEEP_DAILY    how many daily backups to keep (default 30)
#   BACKUP_KEEP_MONTHLY  how many monthly backups to keep (default 12; the first of each month)
#   RCLONE_REMOTE        optional rclone destination, e.g. offsite:lef-backups/lef
#   PG_BIN               optional folder of pg_dump and psql (default: from PATH)
set -eu

: "${DATABASE_URL:?set DATABASE_URL}"
: "${BACKUP_PUBLIC_KEY:?set BACKUP_PUBLIC_KEY to the public key file the backups are encrypted to}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
MEDIA_DIR="${MEDIA_DIR:-/data/media}"
KEEP_DAILY="${BACKUP_KEEP_DAILY:-30}"
KEEP_MONTHLY="${BACKUP_KEEP_MONTHLY:-12}"
bin="${PG_BIN:+$PG_BIN/}"

log() { echo "backup: $*" >&2; }

# pg_dump of another major version than the server's refuses (older) or writes
# a dump that older servers cannot restore (newer): insist on the same one.
server_major=$("${bin}psql" --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
    --command="SELECT current_setting('server_version_num')::int / 10000")
dump_major=$("${bin}pg_dump" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
if [ "$server_major" != "$dump_major" ]; then
    log "pg_dump $dump_major does not match the server's PostgreSQL $server_major"
    exit 1
fi

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"

encrypt() {  # encrypt stdin to $1 with the public key only (no private key here)
    gpg --batch --quiet --no-tty --trust-model always --recipient-file "$BACKUP_PUBLIC_KEY" \
        --output "$1" --encrypt
}

target="$BACKUP_DIR/daily/$stamp"
if [ -e "$target" ]; then
    log "$target exists already"
    exit 1
fi
rm -rf "$target.partial"  # left by a run that died
mkdir -p "$target.partial"
"${bin}pg_dump" --dbname="$DATABASE_URL" --format=custom --no-owner --no-privileges \
    | encrypt "$target.partial/database.dump.gpg"
if [ -d "$MEDIA_DIR" ]; then
    tar --create --gzip --directory="$MEDIA_DIR" . | encrypt "$target.partial/media.tar.gz.gpg"
fi
mv "$target.partial" "$target"
log "wrote $target"

# The first backup of each month is also kept as that month's.
month=$(date -u +%Y-%m)
if [ -z "$(ls -d "$BACKUP_DIR/monthly/$month"* 2>/dev/null || true)" ]; then
    mkdir -p "$BACKUP_DIR/monthly"
    cp -r "$target" "$BACKUP_DIR/monthly/$stamp"
    log "kept $stamp as the backup of $month"
fi

# Keep the newest KEEP_DAILY daily and KEEP_MONTHLY monthly backups (names sort by time).
prune() {
    ls -1d "$1"/*/ 2>/dev/null | sort -r | tail -n "+$(($2 + 1))" | while read -r old; do
        rm -rf "$old"
        log "removed $old"
    done
}
prune "$BACKUP_DIR/daily" "$KEEP_DAILY"
prune "$BACKUP_DIR/monthly" "$KEEP_MONTHLY"

if [ -n "${RCLONE_REMOTE:-}" ]; then
    # sync: the remote holds the same backups, pruned the same way. Versioning or
    # object lock on the bucket keeps what a compromised server deletes.
    rclone sync "$BACKUP_DIR" "$RCLONE_REMOTE"
    log "copied to $RCLONE_REMOTE"
fi
echo "$target"
