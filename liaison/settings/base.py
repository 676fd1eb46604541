"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import datetime
import sys
import warnings
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


SUPPORTED_DATABASE_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")


def _database_from_env(default: str) -> dict:
    """Parse DATABASE_URL; a malformed value stops start-up with one line instead of a traceback."""
    url = env.str("DATABASE_URL", default=default)
    try:
        with warnings.catch_warnings():  # environ warns about unknown schemes; we say it in one line below
            warnings.simplefilter("ignore")
            config = environ.Env.db_url_config(url)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        sys.exit(f"DATABASE_URL is not a valid database URL ({exc}); expected e.g. postgres://user@host:5432/name")
    engine = config.get("ENGINE", "")
    if engine not in SUPPORTED_DATABASE_ENGINES or (engine != "django.db.backends.sqlite3" and not config.get("NAME")):
        sys.exit(
            f"DATABASE_URL is not a supported database URL: {url!r}; "
            "expected sqlite:///path or postgres://user@host:5432/name"
        )
    if engine == "django.db.backends.postgresql":
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
    return config


SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-0123456789abcdefghijklmnopqrstuv")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "core",
    "accounts",
    "notices",
    "stations",
    "deputies",
    "activities",
    "surveys",
    "visits",
    "suggestions",
    "reports",
    "portal",
    "desk",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

# Content-Security-Policy (django-csp 4): no inline script, no inline style, nothing from another origin on
# any page. Every script is a file under /static/; data reaches it through json_script (type
# application/json, never executed). The API docs (/api/docs/) widen style-src for Swagger UI's own inline
# styles only, with csp_update in liaison/urls.py; scripts stay 'self' there too (the split view serves its
# start-up script as a file). The Django admin needs no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (core.middleware.PermissionsPolicyMiddleware): geolocation for the directory's
# "nearest to me"; no camera, microphone or payment.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=()"

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": _database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/desk/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Language and time: Simplified Chinese first, English available; every schedule in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Serve MEDIA_ROOT from Django (no reverse proxy in front); production behind nginx sets SERVE_MEDIA=false.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Uploads (activity photos, station documents, pictures): at most this many bytes, images at most this many
# pixels (core.uploads; PIL's MAX_IMAGE_PIXELS follows, so a decompression bomb is refused, not decoded).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis: broker and cache when configured; otherwise tasks run eagerly and the cache is in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Errors become misses and dropped writes (core/cache.py): a Redis outage never fails a request.
    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "liaison"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"  # the schedule: liaison/celery.py

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 with "WWW-Authenticate: Token".
        "core.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.Schema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "1200/minute"},
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Deputy liaison stations API",
    "DESCRIPTION": "People's Congress deputy liaison stations (人大代表联络站): stations, deputies and their work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: the portal must work on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="liaison@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo accounts share one password (CONTRACT.md).
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in CONTRACT.md for the demo accounts

# Opinions: deadlines in working days, citizen submission limits, data retention.
OPINION_DEADLINE_WORKING_DAYS = {
    "register": env.int("OPINION_REGISTER_WORKING_DAYS", default=2),  # of receipt
    "assign": env.int("OPINION_ASSIGN_WORKING_DAYS", default=10),  # of registration
    "answer": env.int("OPINION_ANSWER_WORKING_DAYS", default=15),  # of assignment
}
OPINION_REMINDER_WORKING_DAYS_BEFORE = 2
OPINION_RATING_ATTEMPTS_PER_HOUR = 5  # wrong proofs per opinion on the tracking page
VISITS_RETENTION_DAYS = env.int("VISITS_RETENTION_DAYS", default=730)
# Sign-in lockout (django-axes): 5 failures in 15 minutes for one username from one address lock that pair out
# for 15 minutes, on the sign-in page, the admin and the API token endpoint. Attempts are kept in the database.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_VERBOSE = False
# API tokens expire (a client signs in again) and can be revoked with DELETE auth/token/.
API_TOKEN_TTL_SECONDS = env.int("API_TOKEN_TTL_SECONDS", default=7 * 24 * 3600)
# How many reverse proxies in front of the portal append to X-Forwarded-For (0: the header is ignored and the
# client is REMOTE_ADDR). Rate limits and lockouts count per client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The audit trail (versions of records and reference data, unmasking, sign-in attempts) is kept this long;
# `prune_audit` (beat: monthly) deletes older entries, always keeping the newest version of each record.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=10 * 365)
# Corrections: the user who saved or voided a record may undo it for this long (county staff restore any time).
UNDO_WINDOW_SECONDS = 15 * 60

# Public forms' rate limits (core.ratelimit), per client address: {window: (count, seconds)}.
RATE_LIMITS = {
    "opinion-submit": {"minute": (5, 60), "day": (30, 86400)},  # the QR form and the anonymous API share it
    "survey-submit": {"minute": (5, 60), "hour": (30, 3600)},  # per client address and survey
    "subscribe-ip": {"hour": (10, 3600)},
    "subscribe-address": {"hour": (3, 3600)},  # per phone or e-mail address
}

# Year-end survey responses: one per phone, kept only as a salted hash.
SURVEY_PHONE_SALT = env.str("SURVEY_PHONE_SALT", default="dev-survey-salt-change-me")

# Notices: reception days announced three days ahead, every message delivered exactly once.
SMS_BACKEND = env.str("SMS_BACKEND", default="notices.channels.ConsoleSMSBackend")
NOTICE_SINK = env.str("NOTICE_SINK", default="")  # a file path: every channel writes JSON lines instead of sending
NOTICE_LANGUAGE = "zh-hans"  # the language of SMS, e-mail and inbox texts
NOTICE_DAYS_AHEAD = 3  # a reception day's notice is published three days ahead (the 25th for the 28th)
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=5)
NOTICE_RETRY_BACKOFF = env.float("NOTICE_RETRY_BACKOFF", default=30.0)  # seconds, doubled each attempt
NOTICE_SWEEP_AFTER = env.int("NOTICE_SWEEP_AFTER", default=300)  # seconds a notice may stay pending unsent
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")  # for links in e-mails and SMS
if CELERY_TASK_ALWAYS_EAGER:  # in-process tasks: one INFO line per notice sent would drown the command's output
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# OpenAPI names of the enums shared by several serializers.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "OpinionStatusEnum": "visits.models.OpinionStatus.choices",
    "OpinionChannelEnum": "visits.models.OpinionChannel.choices",
    "OpinionRatingEnum": "visits.models.OpinionRating.choices",
    "OpinionActionEnum": "visits.models.OpinionAction.choices",
    "ActivityKindEnum": "activities.models.ActivityKind.choices",
    "SuggestionCategoryEnum": "suggestions.models.SuggestionCategory.choices",
    "SuggestionStatusEnum": "suggestions.models.SuggestionStatus.choices",
    "SuggestionAnswerClassEnum": "suggestions.models.SuggestionAnswerClass.choices",
    "SuggestionAssessmentEnum": "suggestions.models.SuggestionAssessment.choices",
    "SurveyRatingEnum": "surveys.models.Rating.choices",
    "SurveyChannelEnum": "surveys.models.SurveyChannel.choices",
}
