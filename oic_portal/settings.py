"""Settings for the Portale Bollino Blu, driven by environment variables.

With no variables set, the portal runs as the embedded demo: SQLite file, Celery tasks
run in-process, e-mail printed to the console. Production sets DJANGO_ENV=production
and the variables documented in the README.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, test or production")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_bootstrap5",
    "certification",
    "codice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /api/: CORS, rate limit and JSON errors (certification.api).
    "certification.api.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oic_portal.security.PortalOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff: second factor, session time limits; every refused authorization logged.
    "oic_portal.security.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: locks an account out after repeated failed logins (django-axes).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "oic_portal.security.PortalModelBackend",
]
# Five failed logins for the same account from the same address lock that pair out for
# 15 minutes; the login form's rate limit (LOGIN_RATE_LIMIT) caps guessing across accounts.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form's field is "username" even though the account is its e-mail address.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor authentication (TOTP) for auditors, committee and administrators: always in
# production; the embedded demo and the tests turn it on where they need it.
OTP_REQUIRED = env_bool("OTP_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "Bollino Blu OIC"
OTP_ATTEMPTS_PER_HOUR = env_int("OTP_ATTEMPTS_PER_HOUR", 10)
# The admin never shows a device's secret (its QR code and key): whoever reads it can make
# that person's codes. Also turns django-otp's 500 on an unknown device id into a 403.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff sessions end after 30 minutes without a request and after 12 hours in all.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 3600)
# (requests, seconds) per client address.
LOGIN_RATE_LIMIT = (env_int("LOGIN_RATE_LIMIT", 20), 600)
PASSWORD_RESET_RATE_LIMIT = (env_int("PASSWORD_RESET_RATE_LIMIT", 5), 3600)
SIGNUP_RATE_LIMIT = (env_int("SIGNUP_RATE_LIMIT", 10), 3600)

# Content-Security-Policy: every script, style, font and image comes from the portal itself;
# no inline script, no framing. The bundle of Bootstrap Italia (video.js inside it) adds two
# <style> elements of its own at load, allowed by their hashes (one is empty); its CSS embeds
# video.js's icon font as a data: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": [
            "'self'",
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
            "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
        ],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

ROOT_URLCONF = "oic_portal.urls"
WSGI_APPLICATION = "oic_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oic_portal.context_processors.portal",
            ],
            # {% include_cached %}: base.html's fragments rendered once per process.
            "libraries": {"fragments": "oic_portal.fragments"},
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
# In production each process keeps its connection ten minutes, checked before it is reused: a
# new connection costs a new PostgreSQL backend, whose first queries load its catalogs again
# (up to 20 ms under load, measured by bench/web.py with one minute).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "certification.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed by npm from package.json during setup; never copied into the repository.
    ("vendor/bootstrap-italia", BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Evidence files and certificates: outside MEDIA_ROOT, served only through views that check access.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "var" / "private")))
# The whole registry's exports, kept per registry generation (services.export_files): a cache
# each web server keeps for itself.
REGISTRY_EXPORT_ROOT = Path(
    env_str("REGISTRY_EXPORT_ROOT", str(BASE_DIR / "var" / "cache" / "registry-exports"))
)

# The cache holds rate-limit counters and cached figures: Redis in production, so that every
# web server shares them; local memory in the embedded demo.
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "oic_portal.cache.PortalRedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions are read from Redis and written to both it and the database: every staff request
# loads its session, and Redis answers in a third of the time. Only with a shared cache: with
# each process's local memory a logout in one process would leave the session alive in another.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_CACHE_URL
    else "django.contrib.sessions.backends.db"
)
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
# Proxies in front of the portal that append to X-Forwarded-For (0: use REMOTE_ADDR).
RATELIMIT_TRUSTED_PROXY_HOPS = env_int("RATELIMIT_TRUSTED_PROXY_HOPS", 0)
# Look-ups per minute and per client address on "Chi mi ha chiamato?", and requests to the API.
WHO_CALLED_RATE_LIMIT = env_int("WHO_CALLED_RATE_LIMIT", 30)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 60)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Bollino Blu OIC <noreply@bollinoblu.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where OIC receives news of submitted applications, besides the committee members.
OIC_NOTIFICATION_EMAIL = env_str("OIC_NOTIFICATION_EMAIL", "bollinoblu@oic.example")
# Largest evidence file accepted, in megabytes.
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20)

# Celery: without a broker, tasks run in-process (embedded demo and unit tests).
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to keep it
# for this many tasks; oic_portal.celery drops a connection that is unusable or too old.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
# A pool child that grows past this (KiB) is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task of a worker killed mid-run (the whole worker, not just a pool child, which
    # reject_on_worker_lost covers at once) is delivered again after the visibility timeout,
    # at the next scan of unacknowledged messages: every restore interval x throttle seconds.
    # A worker holds a task's message while the task runs and while a retry waits for its
    # countdown: the timeout must outlast the longest retry countdown plus the hard time
    # limit, or such a task would be delivered twice (a test checks the defaults).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
# Sending a task happens in the web request, after the commit (an approval queues its
# certificate): with the broker unreachable, give up within seconds, not Kombu's default of
# four 4-second connection attempts. The sweep queues what was not sent.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE: dict = {
    "certificates-sweep": {
        "task": "certification.tasks.certificates_sweep",
        "schedule": env_int("CERTIFICATE_SWEEP_SECONDS", 300),
    },
    "seals-daily": {
        "task": "certification.tasks.seals_daily",
        "schedule": crontab(hour=2, minute=30),
    },
    "reports-erase-expired-contacts": {
        "task": "certification.tasks.reports_erase_expired_contacts",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Seals and certificates.
SEAL_VALIDITY_MONTHS = env_int("SEAL_VALIDITY_MONTHS", 24)
CERTIFICATE_TEMPLATE = env_str("CERTIFICATE_TEMPLATE", "certification/certificate/certificate.html")
CERTIFICATE_MAX_RETRIES = env_int("CERTIFICATE_MAX_RETRIES", 5)
CERTIFICATE_RETRY_BACKOFF = env_int("CERTIFICATE_RETRY_BACKOFF", 10)
CERTIFICATE_RETRY_MAX = env_int("CERTIFICATE_RETRY_MAX", 300)
# A certificate still pending this long after it was asked for is queued again by the sweep.
CERTIFICATE_SWEEP_GRACE_SECONDS = env_int("CERTIFICATE_SWEEP_GRACE_SECONDS", 900)

# The figures of /statistiche/ are computed at most once in this many seconds (0: every time).
STATISTICS_CACHE_SECONDS = env_int("STATISTICS_CACHE_SECONDS", 600)
# The registry's counts and result pages are cached under its generation (always exact); this
# only bounds how long an unused one stays in the cache.
REGISTRY_CACHE_SECONDS = env_int("REGISTRY_CACHE_SECONDS", 600)
# The committee's long lists (applications, seals) keep a count of 1,000 or more this long.
LIST_COUNT_SECONDS = env_int("LIST_COUNT_SECONDS", 60)
# The registry form's choices (sectors, code versions held) and its rendered HTML are kept this
# many seconds.
REGISTRY_CHOICES_SECONDS = env_int("REGISTRY_CHOICES_SECONDS", 300)
# An auditor's scoring page is kept under a stamp of its rows (always exact); this only bounds
# how long an unused one (some 20 KB) stays in the cache.
SCORING_PAGE_CACHE_SECONDS = env_int("SCORING_PAGE_CACHE_SECONDS", 600)

# Reports (segnalazioni) about certified firms.
# Days the firm has to answer a report forwarded by the committee.
REPORT_ANSWER_DAYS = env_int("REPORT_ANSWER_DAYS", 15)
# Days after closing a report when the caller's contact data (name, e-mail, phone) is erased.
REPORT_CONTACT_RETENTION_DAYS = env_int("REPORT_CONTACT_RETENTION_DAYS", 365)
# How long a visitor's e-mail confirmation link stays valid, in hours.
REPORT_CONFIRMATION_HOURS = env_int("REPORT_CONFIRMATION_HOURS", 48)
# Oldest call a report may be about, in days.
REPORT_MAX_CALL_AGE_DAYS = env_int("REPORT_MAX_CALL_AGE_DAYS", 365)
# Visitors' limits, (how many, per how many seconds): confirmation e-mails asked per IP and per
# address, reports filed per IP and per confirmed address. Association members have none.
REPORT_RATE_LIMITS = {
    "confirm_ip": (env_int("REPORT_RATE_CONFIRM_PER_IP", 5), 3600),
    "confirm_email": (env_int("REPORT_RATE_CONFIRM_PER_EMAIL", 3), 3600),
    "file_ip": (env_int("REPORT_RATE_FILE_PER_IP", 10), 3600),
    "file_email": (env_int("REPORT_RATE_FILE_PER_EMAIL", 5), 3600),
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check speaks plain HTTP to each web server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Production writes one JSON object per line (LOG_FORMAT=json); development plain text.
    "formatters": {
        "json": {"()": "oic_portal.log_format.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "json" if PRODUCTION else "text"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # Logins, failed logins, lockouts, refused authorizations, second factor, erasures.
        "portal.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
