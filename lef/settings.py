"""Settings for the 't LEF platform, read from environment variables.

Every variable has a safe default for a developer's machine; production sets
``DEBUG`` off (the default), ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``
and the mail variables. See the README for the full list.
"""

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# The fallback key is marked insecure so that `check --deploy` flags it, and a
# site without DEBUG refuses to start with it: anyone could forge its sessions.
DEVELOPMENT_SECRET_KEY = "django-insecure-only-for-a-developer-machine"  # noqa: S105
SECRET_KEY = env("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY: with DEBUG off the site does not start with the development key."
    )

# Old keys while a new SECRET_KEY takes over: they still check signatures and
# decrypt second-factor secrets (lef/second_factor_secrets.py).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lef.admin_site.LefAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # two factors: lef/second_factor.py
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "lef",
    "members",
    "projects",
    "events",
    "spaces",
    "knowledge",  # results of projects, the library at /knowledge/
    "home",  # the top: reads every app, read by none
    "dashboard",  # the coordinators' dashboard: a top app like home
]

MIDDLEWARE = [
    "lef.middleware.RequestLogMiddleware",  # first: its duration covers the rest
    "django.middleware.security.SecurityMiddleware",
    "lef.security_headers.SecurityHeadersMiddleware",  # CORP, Permissions-Policy
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that reads the session or the user: a friendly 503 while
    # the database cannot be reached.
    "lef.middleware.DatabaseUnavailableMiddleware",
    "lef.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lef.middleware.RejectNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lef.sessions.SessionLifetimeMiddleware",  # idle and absolute lifetimes
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "lef.urls"
WSGI_APPLICATION = "lef.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lef.context_processors.site",
                "members.context_processors.member",
            ],
        },
    },
]

# Database: DATABASE_URL when set, otherwise an embedded PostgreSQL in .pgdata/.
DATABASE_URL = env("DATABASE_URL")
# While the database server is down (lef.middleware answers 503): "timeout" is how long a
# request waits for a connection first (a sync gunicorn worker serves one request at a
# time, so a healthy pool never makes one wait), and "reconnect_timeout" how long the
# pool retries with growing pauses (1, 2, 4 ... s) before the next request tries afresh:
# short, so the site is back within seconds of the server, not after a long pause.
_POOL = {
    "min_size": 1,
    "max_size": int(env("DB_POOL_MAX_SIZE", "20")),
    "timeout": float(env("DB_POOL_TIMEOUT", "3")),
    "reconnect_timeout": 2,
}
if DATABASE_URL:
    _default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
    if _default_db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
else:
    if importlib.util.find_spec("pgserver") is None:
        raise ImproperlyConfigured(
            "Set DATABASE_URL to your PostgreSQL server. (The embedded database for a "
            "checkout without one comes with the development packages: make setup.)"
        )
    _default_db = {
        "ENGINE": "lef.pgembedded",
        "NAME": "lef",
        "PGDATA": Path(env("EMBEDDED_PGDATA") or BASE_DIR / ".pgdata"),
    }
_default_db["OPTIONS"] = {
    **_default_db.get("OPTIONS", {}),
    "pool": _POOL,
    # SSD-era planner cost: lets PostgreSQL use the GIN search index for selective
    # searches instead of scanning every profile.
    "options": "-c random_page_cost=1.1",
}
_default_db["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
_default_db["CONN_HEALTH_CHECKS"] = True  # the pool checks a connection before use
DATABASES = {"default": _default_db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

CACHES = {
    # A cache shared by every web process on every machine, so nothing depends
    # on one process: Redis (or Valkey) when REDIS_URL is set, otherwise a
    # table in the database. It holds the rate limits (allauth's and ours);
    # pages read the database, not a cache (README, "Speed").
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lef_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    ),
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Dutch first, English second; chosen by cookie and Accept-Language.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Static files: our own in static/, Bootstrap from node_modules (npm ci).
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
# Uploads: S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set (every
# machine reads and writes the same bucket), otherwise the folder MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset: Amazon S3 itself; set for any other S3-compatible service.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            # Unset: the keys come from boto3's usual places (AWS_ACCESS_KEY_ID
            # and AWS_SECRET_ACCESS_KEY, or the machine's role).
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            # A public domain (a CDN or a public bucket) serves plain URLs;
            # without one, pages show signed URLs that expire.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": not env("AWS_S3_CUSTOM_DOMAIN"),
            "querystring_expire": int(env("AWS_QUERYSTRING_EXPIRE", "3600")),
            "signature_version": "s3v4",  # what every region and S3-compatible service takes
            "default_acl": None,  # the bucket's own policy decides
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 6_291_456

# Mail: SMTP when SMTP_HOST is set, otherwise printed to the console.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "'t LEF <noreply@lef.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LEF_CONTACT_EMAIL = env("LEF_CONTACT_EMAIL", "info@lef.localhost")
# Absolute address of the site, for links in mail (sent outside any request).
LEF_SITE_URL = env("LEF_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who runs the platform: named as responsible in the privacy and accessibility statements.
LEF_ORGANISATION_NAME = env("LEF_ORGANISATION_NAME", "'t Leids Education Fieldlab")
# Where vulnerabilities are reported (SECURITY.md, /.well-known/security.txt).
LEF_SECURITY_EMAIL = env("LEF_SECURITY_EMAIL") or LEF_CONTACT_EMAIL
# How many daily and monthly backups the backup service keeps (compose.yaml passes
# the same variables to it), for the privacy statement.
BACKUP_KEEP_DAILY = int(env("BACKUP_KEEP_DAILY", "30"))
BACKUP_KEEP_MONTHLY = int(env("BACKUP_KEEP_MONTHLY", "12"))
if env("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("SMTP_HOST"),
                "port": int(env("SMTP_PORT", "587")),
                "username": env("SMTP_USER"),
                "password": env("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (mail): Django's Tasks framework. The database backend and
# its worker (`manage.py db_worker`) in production; immediate on a dev machine.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if env_bool("TASKS_DATABASE_BACKEND", default=not DEBUG and bool(DATABASE_URL))
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Accounts (django-allauth).
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_DISPLAY = "members.adapters.user_display"  # the name, not the URL slug
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# A member is mailed when their password, address or second factor changes (with
# where the change came from), so a stranger in their account does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so they are visibly on.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "'t LEF: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None

# Sessions (lef/sessions.py): a session unused for SESSION_IDLE_DAYS ends, and
# any session SESSION_ABSOLUTE_DAYS after its login.
SESSION_COOKIE_AGE = round(float(env("SESSION_IDLE_DAYS", "14")) * 86400)
LEF_SESSION_ABSOLUTE_AGE = round(float(env("SESSION_ABSOLUTE_DAYS", "30")) * 86400)

# Two factors (allauth's MFA): an app code (TOTP) and recovery codes for every
# member who wants them; required for staff before the back office opens
# (lef/second_factor.py). Passkeys too: as a second factor after the password,
# or to log in without one ("Sign in with a passkey" on the login page). Not to
# sign up with: signing up asks for the profile's fields. A passkey's domain is
# the site's host; a browser allows one on https or on http://localhost (not on
# http://127.0.0.1: an IP address cannot be one).
# App-code secrets and recovery-code seeds are stored encrypted (lef/second_factor_secrets.py).
MFA_ADAPTER = "lef.second_factor_secrets.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "'t LEF"
# One step either side (30 seconds): a phone's clock is often a little off.
MFA_TOTP_TOLERANCE = 1

# Behind a reverse proxy every request comes from the proxy's address; allauth
# then reads the visitor's address from X-Forwarded-For, trusting this many
# proxies (the README shows the nginx example). 0: no proxy, use the peer.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Production (DEBUG off) gets secure cookies and HSTS; a reverse
# proxy that terminates TLS must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# In production the cookies' names carry the __Host- prefix: a browser then keeps
# them only if they are Secure, for Path=/ and without a Domain, so no subdomain
# or plain-HTTP page can set or shadow them. Development on http:// keeps plain
# names (a browser refuses a __Host- cookie that is not Secure).
_COOKIE_PREFIX = "" if DEBUG else "__Host-"
SESSION_COOKIE_NAME = f"{_COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{_COOKIE_PREFIX}csrftoken"
LANGUAGE_COOKIE_NAME = f"{_COOKIE_PREFIX}django_language"
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Images from object storage come from its own origin, which pages must allow.
_MEDIA_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    if env("AWS_S3_CUSTOM_DOMAIN"):
        _MEDIA_ORIGINS = [f"https://{env('AWS_S3_CUSTOM_DOMAIN')}"]
    elif env("AWS_S3_ENDPOINT_URL"):
        _endpoint = urlsplit(env("AWS_S3_ENDPOINT_URL"))
        _MEDIA_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
    else:
        _MEDIA_ORIGINS = ["https://*.amazonaws.com"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

ADMINS = [("'t LEF", a) for a in env_list("ADMIN_EMAILS")]

# Errors to Sentry when SENTRY_DSN is set, without personal data (lef.sentry).
if env("SENTRY_DSN"):
    from lef import sentry

    sentry.start(
        dsn=env("SENTRY_DSN"),
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
        traces_sample_rate=(
            float(env("SENTRY_TRACES_SAMPLE_RATE")) if env("SENTRY_TRACES_SAMPLE_RATE") else None
        ),
    )

# /healthz calls the task queue "late" when a task has waited this many seconds.
TASK_QUEUE_LATE_AFTER = int(env("TASK_QUEUE_LATE_AFTER", "300"))

# LOG_FORMAT=json: one JSON object per line (lef.log_format), for a log collector.
LOG_FORMAT = env("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT is text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "lef.log_format.JsonFormatter"}},
    "filters": {"skip_database_outage": {"()": "lef.log_format.SkipDatabaseOutage"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if LOG_FORMAT == "json" else {})
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "django.request": {"filters": ["skip_database_outage"]},
    },
}
