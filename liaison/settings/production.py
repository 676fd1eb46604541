"""Production: every secret from the environment, PostgreSQL required, HTTPS cookies."""

import sys

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    sys.exit("SECRET_KEY must be set in production: at least 50 random characters")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    sys.exit("DATABASE_URL must point at PostgreSQL in production (postgres://user:password@host:5432/name)")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.str("SURVEY_PHONE_SALT", default="") in ("", "dev-survey-salt-change-me"):
    sys.exit("SURVEY_PHONE_SALT must be set in production (it keeps survey phone hashes unguessable)")
# HTTPS: behind the reverse proxy (X-Forwarded-Proto). The compose demo on plain http sets SECURE_COOKIES=false.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes from inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE_SSL_REDIRECT else 0)
# On by default; a county whose subdomains are not all on HTTPS turns them off (and stays off the preload list).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=bool(SECURE_HSTS_SECONDS))
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=bool(SECURE_HSTS_SECONDS))
