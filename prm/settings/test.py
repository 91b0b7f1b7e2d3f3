"""Tests: fast hashing, Celery eager (one test runs a real worker and turns it off)."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".local" / "test-private"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
}
# Persistent connections would keep live-server and worker threads' connections open past a test.
DATABASES = {**DATABASES}  # noqa: F405
DATABASES["default"] = {**DATABASES["default"], "CONN_MAX_AGE": 0}
