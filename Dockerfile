# syntax=docker/dockerfile:1
# The production image of the 't LEF platform (docs/deploy.md). Two stages: the
# build stage installs the locked requirements (hash-checked), the front-end
# packages, collects the static files and compiles the translations; the runtime
# stage copies the results onto python:3.12-slim and runs gunicorn as a user
# without privileges. requirements.txt holds no development packages (the
# embedded PostgreSQL, pgserver and psutil, is in requirements-dev.txt only).

FROM python:3.12-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
# Node.js only to fetch Bootstrap from the npm registry (package-lock.json).
# Debian's versions are not pinned: the stage takes the release's security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY requirements.txt ./
RUN /venv/bin/pip install --require-hashes --no-deps -r requirements.txt
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# collectstatic and the catalogues need settings, not a database or a real key.
# node_modules stays (a few MB): STATICFILES_DIRS names it, and the system checks
# would warn about a missing folder at every start.
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build-only \
        STATIC_ROOT=/app/staticfiles \
        /venv/bin/python manage.py collectstatic --no-input --verbosity 0 \
    && DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build-only \
        /venv/bin/python manage.py compiletranslations

FROM python:3.12-slim-bookworm AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=lef.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    PORT=8000
# WeasyPrint (the dashboard's partner report as PDF) needs Pango and HarfBuzz's
# subsetter, and a font: the slim image has none. Unpinned, as in the build stage.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 lef \
    && useradd --system --uid 10001 --gid lef --home-dir /app --shell /usr/sbin/nologin lef \
    && mkdir -p /data/media \
    && chown lef:lef /data/media
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
VOLUME ["/data/media"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# deploy/entrypoint.sh runs the migrations first when MIGRATE=1 (the web service).
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "lef.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
