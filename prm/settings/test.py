"""Tests: fast hashing, Celery eager (one test runs a real worker and turns it off)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One directory per xdist worker: each worker's database numbers its tenants from 1, so two
# workers' files would otherwise meet under the same tenant's folder.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / ".local" / "test-media" / _WORKER
PRIVATE_MEDIA_ROOT = BASE_DIR / ".local" / "test-private" / _WORKER
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
