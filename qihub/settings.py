"""QI Hub settings: the one settings module.

Every value comes from a ``QIHUB_*`` environment variable (listed with safe development values in
``.env.example``). Production runs this same file with other values; nothing else reads os.environ.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (made from .env.example by `make install`) supplies QIHUB_* values in development;
# real environment variables always win over it.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("QIHUB_DEBUG", default=False)


def _secret_key() -> str:
    key_file = env.str("QIHUB_SECRET_KEY_FILE", default="")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    key = env.str("QIHUB_SECRET_KEY", default="")
    if key:
        return key
    if DEBUG:
        # Development only: a fixed, obviously unsafe key so sessions survive restarts.
        return "dev-insecure-qihub-key-never-use-in-production-0123456789"
    raise ImproperlyConfigured(
        "QIHUB_SECRET_KEY or QIHUB_SECRET_KEY_FILE must be set when QIHUB_DEBUG is off."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS: list[str] = env.list(
    "QIHUB_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("QIHUB_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "qihub.core",
    "qihub.reference",
    "qihub.accounts",
    "qihub.standards",
    "qihub.institutions",
    "qihub.certification",
    "qihub.proficiency",
    "qihub.matching",
    "qihub.api",
    "qihub.web",
    "qihub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qihub.core.context.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qihub.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qihub.core.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qihub.api.security.ApiRequestGuardMiddleware",
    "qihub.core.middleware.ContentSecurityPolicyMiddleware",
    # Axes last: it turns a locked-out login into a 429 before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qihub.urls"
WSGI_APPLICATION = "qihub.wsgi.application"

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
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
# An empty QIHUB_DATABASE_URL means "the default", not "no database".
_database_url = env.str("QIHUB_DATABASE_URL", default="") or (
    f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets pages read while a write runs; IMMEDIATE takes the write lock at BEGIN so
        # busy_timeout applies instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("QIHUB_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and request counters (both must be shared between workers) ---------------------------
# Throttle counters (qihub.core.throttling) live in Redis when it is configured, else in the
# database; the cache holds everything else that workers share.
QIHUB_REDIS_URL = env.str("QIHUB_REDIS_URL", default="")
if QIHUB_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": QIHUB_REDIS_URL,
        }
    }
else:
    # The database cache is shared by every worker and host, unlike the per-process LocMemCache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qihub_cache",
        }
    }

# --- Authentication and sessions -----------------------------------------------------------------
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
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qihub.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# 30-minute idle timeout: the cookie age is renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# 12-hour absolute cap, enforced by AbsoluteSessionLifetimeMiddleware.
QIHUB_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout: 5 failures per account, 30 minutes, whatever the source address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 30 minutes from the fifth failure: tries while locked do not extend it, so the
# rightful user who retries once at minute 29 is not locked out for another half hour.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qihub.accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "qihub.core.http.client_ip_for_axes"
AXES_VERBOSE = False
# Lockout is per account by design (docs/adr/0002-security-baseline.md): a per-address lockout
# would let one office NAT lock out a whole city bureau. Addresses are throttled separately.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Number of reverse proxies in front of the app. Only that many X-Forwarded-For hops are trusted;
# with 0 (the default) the header is ignored, so a forged one cannot dodge throttling.
QIHUB_TRUSTED_PROXIES: int = env.int("QIHUB_TRUSTED_PROXIES", default=0)
NINJA_NUM_PROXIES = QIHUB_TRUSTED_PROXIES
QIHUB_THROTTLE_ANON = env.str("QIHUB_THROTTLE_ANON", default="120/m")
QIHUB_THROTTLE_USER = env.str("QIHUB_THROTTLE_USER", default="600/m")
QIHUB_THROTTLE_LOGIN = env.str("QIHUB_THROTTLE_LOGIN", default="20/m")

# --- HTTPS and headers ---------------------------------------------------------------------------
_secure = not DEBUG
SECURE_SSL_REDIRECT = env.bool("QIHUB_SSL_REDIRECT", default=_secure)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if QIHUB_TRUSTED_PROXIES else None
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = env.int("QIHUB_HSTS_SECONDS", default=31_536_000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "qihub" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("QIHUB_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("QIHUB_LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Ed25519 private key (PEM) that signs certificate verification answers and QR codes; make one
# with `qihub certification keygen PATH`. Empty: in development and tests a key derived from
# SECRET_KEY is used, with a warning; production must set it.
QIHUB_SIGNING_KEY_FILE = env.str("QIHUB_SIGNING_KEY_FILE", default="")

# Platform identity shown in pages and the API.
QIHUB_SITE_NAME = _("辽宁省质量基础设施一站式公共服务平台")
