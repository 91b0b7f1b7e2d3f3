"""Settings for the benchmark: production-like request path, the bench's reference views.

Based on the development settings with DEBUG off (no query log kept outside the measured
captures), Celery publishing to the real Redis (tasks are not run in the web process, as in
production) and the bench hosts allowed.
"""

from prm.settings.dev import *  # noqa: F403
from prm.settings.dev import INSTALLED_APPS

DEBUG = False
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "testserver"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Users are bulk-loaded with one precomputed hash; logins in the bench use force_login.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
