#!/bin/sh
# Entry point of the image. With MIGRATE=1 (the web service in compose.yaml) the
# database is migrated before the command starts; migrate is safe to run by
# several processes at once (PostgreSQL locks the migration table), and the
# worker and scheduler wait for the web service's health check instead.
set -eu
if [ "${MIGRATE:-0}" = "1" ]; then
    python manage.py migrate --no-input
fi
exec "$@"
