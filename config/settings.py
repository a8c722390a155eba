"""Guichet settings: read from the environment only.

Every variable is documented in ``docs/configuration.md``. The embedded mode
(default) needs no server: SQLite and the Celery ``filesystem://`` broker under
``var/``. ``GUICHET_MODE=production`` turns on the safety checks: a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required, cookies are secure, HSTS is on.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from guichet.core.env import email_settings, env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("GUICHET_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

MODE = (env("GUICHET_MODE", "embedded") or "embedded").lower()
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"GUICHET_MODE={MODE!r}: expected 'embedded' or 'production'")
PRODUCTION = MODE == "production"
DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    value = env("SECRET_KEY")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when GUICHET_MODE=production "
            "(set SECRET_KEY or SECRET_KEY_FILE)."
        )
    # Embedded mode: one key per installation, kept across restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when GUICHET_MODE=production.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "guichet.core.admin_site.GuichetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guichet.core",
    "guichet.audit",
    "guichet.operators",
    "guichet.accounts",
    "guichet.network",
    "guichet.addresses",
    "guichet.eligibility",
    "guichet.appointments",
    "guichet.billing",
    "guichet.compliance",
    "guichet.notifications",
    "guichet.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "guichet.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "guichet.accounts.portal.sessions_middleware.SessionClockMiddleware",
    "guichet.accounts.portal.identifiers_middleware.SecondFactorRequiredMiddleware",
    "guichet.accounts.portal.identifiers_middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "guichet.core.middleware.GuichetErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]
CSRF_FAILURE_VIEW = "guichet.core.views.csrf_failure"
# Messages survive the re-login of a locked session and never ride in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.portal.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'guichet.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets web, worker and beat read while one writes; IMMEDIATE takes the write
    # lock at BEGIN so concurrent writers queue instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file too (not memory) so that threads and worker processes can share it;
    # one per test run, so that parallel runs never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-guichet-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "guichet" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")) or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Embedded mode serves static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")

# Cache (import progress, throttling): files under var/ so web and worker share it;
# production: CACHE_URL=redis://127.0.0.1:6379/1.
CACHE_URL = env("CACHE_URL") or ""
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
        }
    )
}

# Email: files under var/mail/ by default.
EMAIL_URL = env("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Guichet <guichet@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production sits behind a TLS-terminating proxy (nginx).
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("USE_X_FORWARDED_PROTO", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Number of trusted proxies in front of the app: the client address is taken that
# many hops from the right of X-Forwarded-For (0 = use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Identifiers and sessions (Annex 4, IAM-03..06, IAM-11).
GUICHET_SESSION_IDLE_MINUTES = envint("GUICHET_SESSION_IDLE_MINUTES", 15)
GUICHET_DORMANCY_DAYS = envint("GUICHET_DORMANCY_DAYS", 183)
GUICHET_DORMANCY_NOTICE_DAYS = envint("GUICHET_DORMANCY_NOTICE_DAYS", 15)
GUICHET_DELETION_AFTER_DAYS = envint("GUICHET_DELETION_AFTER_DAYS", 365)
GUICHET_LINK_VALIDITY_HOURS = envint("GUICHET_LINK_VALIDITY_HOURS", 72)
GUICHET_MAX_IDENTIFIERS = envint("GUICHET_MAX_IDENTIFIERS", 100)
GUICHET_PUBLIC_URL = env("GUICHET_PUBLIC_URL", "http://127.0.0.1:8000") or "http://127.0.0.1:8000"
# Failed logins: lock the identifier after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60
# Locks the identifier, not an address: a success from a shared address (an operator's
# office) must not wipe the failures counted against a colleague's identifier.
# (axes.W006 asks for the address too; that is the cross-identifier wipe described above.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "guichet.core.middleware.client_ip"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "guichet.accounts.portal.sessions.lockout_response"

# REST API (DRF + drf-spectacular), TM Forum conventions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "guichet.accounts.api.authentication.ApiKeyAuthentication",
        "guichet.accounts.api.authentication.ClientCertificateAuthentication",
        "guichet.core.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["guichet.core.api.permissions.IsAuthenticatedPrincipal"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "guichet.core.api.pagination.TmfPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "guichet.core.api.exceptions.tmf_exception_handler",
    "ORDERING_PARAM": "sort",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guichet — API e-services",
    "DESCRIPTION": (
        "API REST de l'Espace Opérateurs : ressources TM Forum sous /tmf-api/ et "
        "ressources de gestion sous /api/v1/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Read-only fields are not promised in every answer (e.g. a candidate's score).
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
}

# Celery: filesystem broker under var/ by default (no server to install).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
CELERY_QUEUE_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
(VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "audit-verify-chain": {
        "task": "guichet.audit.tasks.verify_journal",
        "schedule": float(envint("AUDIT_VERIFY_INTERVAL", 3600)),
    },
    "notifications-requeue": {
        "task": "guichet.notifications.tasks.requeue_due_emails",
        "schedule": 300.0,
    },
    "accounts-dormancy-sweep": {
        "task": "guichet.accounts.tasks.dormancy_sweep",
        "schedule": crontab(hour=3, minute=15),
    },
    # BIL-02: last month's invoices, on the 1st at 06:00 (idempotent: a rerun issues nothing twice).
    "billing-monthly-invoicing": {
        "task": "guichet.billing.tasks.monthly_invoicing",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # CTR-14: on each termination's effective date, export the e-service's data; destroy
    # archives past GUICHET_TERMINATION_RETENTION_DAYS.
    "operators-apply-due-terminations": {
        "task": "guichet.operators.tasks.apply_due_terminations",
        "schedule": crontab(hour=0, minute=30),
    },
    # SEC-09: remind before a remediation plan is due, flag missing plans and late actions.
    "compliance-audit-deadlines": {
        "task": "guichet.compliance.tasks.audit_deadlines",
        "schedule": crontab(hour=7, minute=0),
    },
    # ELI-03: a bulk job whose worker died (lease run out) is queued again and resumes.
    "eligibility-resume-stalled-bulk-jobs": {
        "task": "guichet.eligibility.tasks.resume_stalled_bulk_jobs",
        "schedule": 300.0,
    },
    # ELI-03: files of bulk jobs finished more than GUICHET_BULK_RETENTION_DAYS ago deleted.
    "eligibility-purge-bulk-files": {
        "task": "guichet.eligibility.tasks.purge_bulk_files",
        "schedule": crontab(hour=2, minute=40),
    },
    # RDV-02: holds not confirmed in time are cancelled and their slot freed.
    "appointments-release-expired-holds": {
        "task": "guichet.appointments.tasks.release_expired_holds",
        "schedule": float(envint("GUICHET_RDV_RELEASE_INTERVAL", 60)),
    },
}
GUICHET_TERMINATION_RETENTION_DAYS = envint("GUICHET_TERMINATION_RETENTION_DAYS", 30)
# ELI-03: days the uploaded file and the result of a finished bulk job are kept.
GUICHET_BULK_RETENTION_DAYS = envint("GUICHET_BULK_RETENTION_DAYS", 30)
if GUICHET_BULK_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("GUICHET_BULK_RETENTION_DAYS must be at least 1 (days)")
# SEC-09: days before a remediation plan is due when the operator is reminded.
GUICHET_AUDIT_REMINDER_DAYS = envint("GUICHET_AUDIT_REMINDER_DAYS", 3)

# e-RDV (RDV-01, RDV-02): first bookable day (business days after today), how far ahead
# slots are offered (calendar days), how long a hold lasts before it is released.
GUICHET_RDV_LEAD_BUSINESS_DAYS = envint("GUICHET_RDV_LEAD_BUSINESS_DAYS", 2)
GUICHET_RDV_HORIZON_DAYS = envint("GUICHET_RDV_HORIZON_DAYS", 60)
GUICHET_RDV_HOLD_MINUTES = envint("GUICHET_RDV_HOLD_MINUTES", 30)

# Business calendar (GEN-04): "" = metropolitan France; "57"/"6AE" Alsace-Moselle.
GUICHET_HOLIDAYS_SUBDIVISION = env("GUICHET_HOLIDAYS_SUBDIVISION", "") or ""
GUICHET_SOAP_MAX_BYTES = envint("GUICHET_SOAP_MAX_BYTES", 1_048_576)
GUICHET_PROVIDER_NAME = env("GUICHET_PROVIDER_NAME", "Syndicat Mixte Ouvert Deux-Sèvres Numérique")
# The Provider's legal mentions on invoices and credit notes (BIL-02), and the VAT rate
# in percent applied to every invoice line (Decimal; a malformed value fails at start-up).
GUICHET_PROVIDER_SIRET = env("GUICHET_PROVIDER_SIRET", "") or ""
GUICHET_PROVIDER_ADDRESS = env("GUICHET_PROVIDER_ADDRESS", "") or ""
GUICHET_PROVIDER_VAT_NUMBER = env("GUICHET_PROVIDER_VAT_NUMBER", "") or ""
try:
    GUICHET_VAT_RATE = Decimal(env("GUICHET_VAT_RATE", "20") or "20")
except InvalidOperation as exc:
    raise ImproperlyConfigured("GUICHET_VAT_RATE must be a number of percent, e.g. 20") from exc
if not Decimal(0) <= GUICHET_VAT_RATE <= Decimal(100):
    raise ImproperlyConfigured("GUICHET_VAT_RATE must lie between 0 and 100")
# The Provider's code in file names and IPE rows (e.g. DSNU for Deux-Sèvres Numérique).
GUICHET_PROVIDER_CODE = env("GUICHET_PROVIDER_CODE", "DSNU") or "DSNU"
# Where security incidents are announced inside the Provider (SEC-07).
GUICHET_SECURITY_EMAIL = env("GUICHET_SECURITY_EMAIL", "securite@localhost") or "securite@localhost"
# System credentials (SEC-01..03): the CA issuing Operators' client certificates, and the
# TLS proxies trusted to forward a verified certificate in X-SSL-Client-Cert.
GUICHET_CA_DIR = Path(env("GUICHET_CA_DIR", str(VAR_DIR / "ca")) or VAR_DIR / "ca")
GUICHET_CERT_PROXIES = envlist("GUICHET_CERT_PROXIES", "127.0.0.1,::1")
GUICHET_SOAP_AUTHENTICATOR = "guichet.accounts.api.authentication.authenticate_system_request"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "guichet.core.context.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
