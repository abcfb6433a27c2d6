"""Test settings: only what tests need to differ (fast hashing, in-process cache)."""

from qihub.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Lets pytest-django flush the append-only audit table between transactional tests
    # (migration accounts/0002 honours this setting for TRUNCATE only).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c qihub.allow_audit_truncate=on"
    )
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Generous throttles so the suite is not slowed; throttling tests set their own rates.
QIHUB_THROTTLE_ANON = "10000/m"
QIHUB_THROTTLE_USER = "10000/m"
QIHUB_THROTTLE_LOGIN = "10000/m"

# Certificate verification answers are signed; tests sign with a key derived from SECRET_KEY
# even where a test switches DEBUG off (production refuses without QIHUB_SIGNING_KEY_FILE).
QIHUB_ALLOW_DERIVED_SIGNING_KEY = True
