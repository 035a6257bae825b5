"""lef/settings.py reads the environment, with safe defaults.

Each test executes the settings file afresh as its own module with a controlled
environment, so the settings of the running test process are untouched.
``check --deploy`` runs in a subprocess, as it would on a server.
"""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = BASE_DIR / "lef" / "settings.py"

# Every variable lef/settings.py reads; cleared so the caller's shell cannot leak in.
ENV_NAMES = [
    "ADMIN_EMAILS",
    "ALLOWED_HOSTS",
    "AWS_ACCESS_KEY_ID",
    "AWS_QUERYSTRING_EXPIRE",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_STORAGE_BUCKET_NAME",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_POOL_MAX_SIZE",
    "DEBUG",
    "DEFAULT_FROM_EMAIL",
    "EMBEDDED_PGDATA",
    "LEF_CONTACT_EMAIL",
    "LEF_SITE_URL",
    "LOG_LEVEL",
    "MEDIA_ROOT",
    "REDIS_URL",
    "SECRET_KEY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SERVER_EMAIL",
    "SMTP_HOST",
    "SMTP_PASSWORD",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_USE_TLS",
    "STATIC_ROOT",
    "TASKS_DATABASE_BACKEND",
    "TRUSTED_PROXY_COUNT",
]

# A key for the settings under test: without DEBUG the development key is refused.
TEST_KEY = "test-key-" + "x" * 50


@pytest.fixture
def load_settings(monkeypatch):
    """Execute lef/settings.py with exactly the given environment variables set."""

    def load(**env: str):
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        env.setdefault("SECRET_KEY", TEST_KEY)
        for name, value in env.items():
            if value is None:
                continue
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("lef_settings_under_test", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def test_settings_without_a_secret_key_refuse_to_start_without_debug(load_settings):
    with pytest.raises(ImproperlyConfigured, match="Set SECRET_KEY"):
        load_settings(SECRET_KEY=None)


def test_settings_with_debug_fall_back_to_a_development_key(load_settings):
    s = load_settings(SECRET_KEY=None, DEBUG="1")

    assert s.SECRET_KEY.startswith("django-insecure-")  # so check --deploy flags it


def test_settings_trusted_proxy_count_for_allauths_rate_limits(load_settings):
    assert load_settings().ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert load_settings(TRUSTED_PROXY_COUNT="1").ALLAUTH_TRUSTED_PROXY_COUNT == 1


def test_settings_without_environment_are_safe(load_settings):
    s = load_settings()

    assert s.DEBUG is False
    assert s.ALLOWED_HOSTS == ["127.0.0.1", "localhost"]
    assert s.SESSION_COOKIE_SECURE is True
    assert s.CSRF_COOKIE_SECURE is True
    assert s.LANGUAGE_COOKIE_SECURE is True
    # __Host- names: a browser keeps them only Secure, for Path=/ and without a Domain.
    assert s.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert s.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert s.LANGUAGE_COOKIE_NAME == "__Host-django_language"
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        path, domain = f"{cookie}_COOKIE_PATH", f"{cookie}_COOKIE_DOMAIN"
        assert getattr(s, path, getattr(global_settings, path)) == "/"
        assert getattr(s, domain, getattr(global_settings, domain)) is None
    assert s.SESSION_COOKIE_SAMESITE == s.CSRF_COOKIE_SAMESITE == "Lax"
    assert s.SECURE_SSL_REDIRECT is True
    assert s.SECURE_HSTS_SECONDS == 31_536_000
    assert s.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert s.SECURE_HSTS_PRELOAD is True
    assert s.MAILERS == {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert s.LEF_CONTACT_EMAIL == "info@lef.localhost"
    assert s.MEDIA_ROOT == BASE_DIR / "media"
    assert s.TASKS["default"]["BACKEND"] == "django.tasks.backends.immediate.ImmediateBackend"


def test_settings_without_database_url_use_the_embedded_server(load_settings):
    db = load_settings().DATABASES["default"]

    assert db["ENGINE"] == "lef.pgembedded"
    assert db["NAME"] == "lef"
    assert db["PGDATA"] == BASE_DIR / ".pgdata"
    assert db["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 20,
        "timeout": 3.0,
        "reconnect_timeout": 2,
    }
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is True


def test_settings_without_database_url_or_the_embedded_server_say_what_to_set(
    load_settings, monkeypatch
):
    """A production install (requirements.txt) has no pgserver: it must name DATABASE_URL."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "pgserver" else real_find_spec(name, *args),
    )

    with pytest.raises(ImproperlyConfigured, match="Set DATABASE_URL"):
        load_settings()
    assert (
        load_settings(DATABASE_URL="postgres://lef@db/lef").DATABASES["default"]["NAME"] == "lef"
    )


@pytest.mark.parametrize("package", ["pgserver", "psutil"])
def test_runtime_requirements_leave_out_the_embedded_database(package):
    """Only the development lock installs the embedded server and its watchdog's helper."""
    runtime = (BASE_DIR / "requirements.txt").read_text(encoding="utf-8")
    development = (BASE_DIR / "requirements-dev.txt").read_text(encoding="utf-8")

    assert f"\n{package}==" not in runtime
    assert f"\n{package}==" in development


def test_settings_embedded_pgdata_from_environment(load_settings, tmp_path):
    db = load_settings(EMBEDDED_PGDATA=str(tmp_path / "pg")).DATABASES["default"]

    assert db["PGDATA"] == tmp_path / "pg"


def test_settings_database_url_is_used_with_a_pool(load_settings):
    s = load_settings(
        DATABASE_URL="postgres://lef:s3cret@db.example.org:5433/lefprod",
        DB_POOL_MAX_SIZE="8",
        DB_POOL_TIMEOUT="1.5",
    )
    db = s.DATABASES["default"]

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "lefprod",
        "lef",
        "s3cret",
        "db.example.org",
        5433,
    )
    assert db["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 8,
        "timeout": 1.5,
        "reconnect_timeout": 2,
    }
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is True
    # Production (DEBUG off, a real database) sends mail from the database task queue.
    assert s.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_settings_database_url_other_than_postgresql_is_refused(load_settings):
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        load_settings(DATABASE_URL="sqlite:///lef.sqlite3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("on", True), ("0", False), ("false", False), ("", False)],
)
def test_settings_debug_from_environment(load_settings, value, expected):
    assert load_settings(DEBUG=value).DEBUG is expected


def test_settings_debug_on_relaxes_https_only_settings(load_settings):
    s = load_settings(DEBUG="1")

    assert s.SESSION_COOKIE_SECURE is False
    assert s.CSRF_COOKIE_SECURE is False
    assert (s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME) == ("sessionid", "csrftoken")
    assert s.SECURE_SSL_REDIRECT is False
    assert s.SECURE_HSTS_SECONDS == 0
    assert s.SECURE_HSTS_PRELOAD is False


def test_settings_hosts_keys_and_addresses_from_environment(load_settings, tmp_path):
    uploads = tmp_path / "uploads"
    s = load_settings(
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="lef.example.org, www.lef.example.org",
        CSRF_TRUSTED_ORIGINS="https://lef.example.org",
        LEF_CONTACT_EMAIL="projectleider@lef.example.org",
        DEFAULT_FROM_EMAIL="'t LEF <noreply@lef.example.org>",
        MEDIA_ROOT=str(uploads),
        ADMIN_EMAILS="beheer@lef.example.org",
    )

    assert s.SECRET_KEY == "k" * 60
    assert s.ALLOWED_HOSTS == ["lef.example.org", "www.lef.example.org"]
    assert s.CSRF_TRUSTED_ORIGINS == ["https://lef.example.org"]
    assert s.LEF_CONTACT_EMAIL == "projectleider@lef.example.org"
    assert s.DEFAULT_FROM_EMAIL == "'t LEF <noreply@lef.example.org>"
    assert s.SERVER_EMAIL == "'t LEF <noreply@lef.example.org>"
    assert uploads == s.MEDIA_ROOT
    assert s.ADMINS == [("'t LEF", "beheer@lef.example.org")]


def test_settings_smtp_from_environment(load_settings):
    s = load_settings(
        SMTP_HOST="smtp.example.org",
        SMTP_PORT="465",
        SMTP_USER="lef",
        SMTP_PASSWORD="mail-secret",
        SMTP_USE_TLS="0",
    )

    assert s.MAILERS == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "smtp.example.org",
                "port": 465,
                "username": "lef",
                "password": "mail-secret",
                "use_tls": False,
                "timeout": 20,
            },
        }
    }


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    # A server's environment: nothing of the test process (such as the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly rejects).
    environ = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    environ |= {"DJANGO_SETTINGS_MODULE": "lef.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "ALLOWED_HOSTS": "lef.example.org",
    "LEF_SITE_URL": "https://lef.example.org",
    "DATABASE_URL": "postgres://lef:secret@db.example.org:5432/lef",
    "SMTP_HOST": "smtp.example.org",
}


def test_check_deploy_with_production_environment_reports_no_issues():
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_site_with_the_development_secret_key_does_not_start():
    result = _check_deploy(**PRODUCTION_ENV)

    assert result.returncode == 1
    assert "Set SECRET_KEY: with DEBUG off the site does not start" in result.stderr


def test_check_deploy_flags_the_development_secret_key_with_debug():
    result = _check_deploy(DEBUG="1", **PRODUCTION_ENV)

    assert result.returncode == 1
    assert "security.W009" in result.stderr


# Several machines: uploads in a bucket, the cache in Redis, by settings alone.


def test_settings_without_bucket_or_redis_keep_files_on_disk_and_the_cache_in_the_database(
    load_settings,
):
    s = load_settings()

    assert s.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert s.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert s.SECURE_CSP["img-src"] == ["'self'", "data:"]
    assert not hasattr(s, "SESSION_ENGINE")  # database sessions, read by every machine


def test_settings_bucket_stores_uploads_in_s3_with_signed_urls(load_settings):
    s = load_settings(
        AWS_STORAGE_BUCKET_NAME="lef-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net:9000/",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    storage = s.STORAGES["default"]

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "lef-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.net:9000/"
    assert storage["OPTIONS"]["region_name"] == "eu-west-1"
    assert (storage["OPTIONS"]["access_key"], storage["OPTIONS"]["secret_key"]) == (
        "key",
        "secret",
    )
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["querystring_expire"] == 3600
    assert storage["OPTIONS"]["signature_version"] == "s3v4"
    assert storage["OPTIONS"]["file_overwrite"] is False
    # Pages may show images from the bucket's origin, and only from there.
    assert s.SECURE_CSP["img-src"] == ["'self'", "data:", "https://s3.example.net:9000"]


def test_settings_bucket_with_a_public_domain_serves_plain_urls(load_settings):
    s = load_settings(AWS_STORAGE_BUCKET_NAME="lef-media", AWS_S3_CUSTOM_DOMAIN="media.lef.nl")
    options = s.STORAGES["default"]["OPTIONS"]

    assert options["custom_domain"] == "media.lef.nl"
    assert options["querystring_auth"] is False
    assert options["access_key"] is None  # boto3 finds the keys itself (role, environment)
    assert s.SECURE_CSP["img-src"] == ["'self'", "data:", "https://media.lef.nl"]


def test_settings_redis_url_puts_the_cache_and_rate_limits_in_redis(load_settings):
    s = load_settings(REDIS_URL="redis://cache.internal:6379/2")

    assert s.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }
