"""Settings shared by every environment. Values come from the environment (django-environ).

Each environment module (`dev`, `test`, `prod`) imports this one and overrides what differs. The
defaults here are safe development defaults: a fresh clone runs with no configuration at all.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The bare platform host serves the operator's admin; every tenant host is a subdomain of it or a
# custom domain listed in TenantDomain. The tenant middleware answers unknown hosts with 404.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", "127.0.0.1"]
)

INSTALLED_APPS = [
    # SimpleAdminConfig: no default admin site; models register on our two sites explicitly.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "django_countries",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "prm.tenancy",
    "prm.accounts",
    "prm.audit",
    "prm.portal",
    "prm.notifications",
    "prm.metrics",
    "prm.workspace",
    "prm.platform",
    "prm.submissions",
    "prm.exchange",
    "prm.jobs",
    "prm.api",
    "prm.webhooks",
    "partners",
    "deals",
    "training",
    "mdf",
    "commissions",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the tenant middleware: its own answers (an unknown host) get the headers too.
    "prm.security.headers.SecurityHeadersMiddleware",
    "prm.tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.tenancy.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "prm.accounts.middleware.StaffMfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: a POST with a one-time form token runs its view once (prm.submissions).
    "prm.submissions.middleware.OneSubmissionMiddleware",
]

# prm.security.headers: scripts, styles, fonts, images and requests from this host; inline
# <script>/<style> elements only with the response's nonce ("'nonce'"); style attributes allowed.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'", "'nonce'"],
    "style-src-attr": ["'unsafe-inline'"],
    # Bootstrap draws its small icons (toggler, select arrow, close) as data: SVGs.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    # Course videos play in the providers' privacy-enhanced players, and nowhere else
    # (`training.content.video_embed` turns a link into one of these).
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
}

ROOT_URLCONF = "prm.urls"
PLATFORM_URLCONF = "prm.urls_platform"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prm.portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "prm.wsgi.application"

# PostgreSQL only (DESIGN.md §2.2). With no DATABASE_URL, libpq's own PGHOST/PGUSER apply.
DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres:///prm")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles a query whose estimated cost is high, which reports over a whole
# program are: measured at scale M, compiling took 4.7 s of a 5.9 s metric query that runs in
# about 1 s without it. Pages and reports are short OLTP-style queries; the JIT never pays back.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database cache keeps rate limits shared between processes without making a web request
# depend on Redis (DESIGN.md §2.3). Its table is made by `manage.py createcachetable`.
# The REST API (prm.api): keys only (no session, so no CSRF), JSON only, our pages and errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["prm.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["prm.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["prm.api.authentication.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "prm.api.pagination.SyncCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "prm.api.views.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM API",
    "DESCRIPTION": (
        "Version 1 of the partner program's REST API, for CRM sync and other integrations. "
        "Every request carries an API key (`Authorization: Bearer prm_…`) created by a program "
        "leader under Integrations → API keys, and is answered for the tenant of the host it is "
        "sent to."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    # Enums list their values; the reference page shows them (no Markdown list in each text).
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "prm.api.schema.add_common_answers",
    ],
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "prm_cache",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "prm.accounts.backends.TenantMembershipBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# A path, not a URL name: it must work on tenant hosts ("/" is the portal home, which sends
# vendor staff on to the admin UI) and on the platform host ("/" leads to its admin).
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the login, nobody signs up on their own (invitations only).
ACCOUNT_ADAPTER = "prm.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {"reset_password": "prm.accounts.forms.TenantResetPasswordForm"}
# Failed sign-ins: `ip` per network address on one host (a tenant, or the platform host), `key`
# per account. A correct password for an account that is not locked always gets in
# (prm.accounts.login_limits, which replaces allauth's per-IP limits on signing in: those span
# every tenant and counted correct sign-ins too).
LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key")
# The client's address comes from X-Forwarded-For as written by this many proxies of ours
# (counted from the right; prm.security.client_ip). 0: REMOTE_ADDR, no proxy in front.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "",
    "login_failed": "",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    # The public "Become a partner" form: applications per network address and tenant.
    "partner_application": env("PARTNER_APPLICATION_RATE_LIMIT", default="5/h/key"),
}
MFA_ADAPTER = "prm.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# django-guardian holds per-object grants only; no anonymous user row is needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Where Django formats a date by itself (admin columns, `|date`), it reads like prm.dates.
FORMAT_MODULE_PATH = ["prm.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / ".local" / "media"))
# Files only some members may see (deal attachments...): outside MEDIA_ROOT, served only by
# views that check who asks (prm/uploads/private.py).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".local" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The request body without its files (form fields); a bigger one is answered 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# prm.uploads.handler stops storing a file past its field's limit (declared by the view), or
# past UPLOAD_MAX_BYTES for a file no view declared; the proxy's client_max_body_size must be
# a little above the largest limit (see the README's deploy section).
FILE_UPLOAD_HANDLERS = [
    "prm.uploads.handler.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
TENANT_LOGO_MAX_BYTES = 1024 * 1024
# One file attached to a deal registration (a quote, a purchase order), and how many one holds.
DEAL_ATTACHMENT_MAX_BYTES = env.int("DEAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DEAL_ATTACHMENTS_PER_REGISTRATION = 20
# MDF proof of performance (invoices, screenshots, attendee lists): per file, and per claim.
MDF_PROOF_MAX_BYTES = env.int("MDF_PROOF_MAX_BYTES", default=10 * 1024 * 1024)
MDF_PROOFS_PER_CLAIM = 10
# One file of the content library (a deck, a battle card, a pricing sheet); within the proxy's
# client_max_body_size like every upload (see the README's deployment section).
LIBRARY_ASSET_MAX_BYTES = env.int("LIBRARY_ASSET_MAX_BYTES", default=10 * 1024 * 1024)

vars().update(env.email_url("EMAIL_URL", default="filemail://" + str(BASE_DIR / ".local" / "mail")))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail"))
# The platform's own name and sending address: a program's emails come "from" the vendor by name
# ("Acme Cloud via PRM") at this address, unless the operator set the vendor's own address.
PLATFORM_NAME = env("PLATFORM_NAME", default="PRM")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"noreply@{PLATFORM_DOMAIN}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis is the broker; results are not kept (tasks write their outcome to the database).
REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a broker that is down: publishing gives up fast and the
# periodic sweeps deliver what was not enqueued (DESIGN.md §2.3).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    # Without a limit kombu retries connecting for the whole connect timeout on every publish;
    # the worker's consumer has its own reconnect loop (broker_connection_max_retries).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_TASK_PUBLISH_RETRY = False
# Core modules with tasks that are not an app's tasks.py (autodiscovery finds those).
CELERY_IMPORTS = ["prm.pdf"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# How often the notification bell asks for the unread count (htmx polling).
NOTIFICATION_POLL_SECONDS = env.int("NOTIFICATION_POLL_SECONDS", default=20)
# First wait before an email that failed transiently is tried again; it doubles each time.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# Webhooks go only to public addresses (prm/webhooks/addresses.py); development and the demo let
# 127.0.0.0/8 and ::1 through, for a receiver on the developer's machine.
WEBHOOKS_ALLOW_LOOPBACK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every render at INFO; its warnings and errors still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# How links to a tenant's host are written in emails: {host} is the tenant's primary domain.
TENANT_URL_TEMPLATE = env("TENANT_URL_TEMPLATE", default="http://{host}:8000")
# The core's periodic jobs.
CELERY_BEAT_SCHEDULE = {
    # Outbox rows the web request could not hand to Redis, and retries that are due.
    "outbox-sweep": {"task": "prm.notifications.tasks.outbox_sweep_all_task", "schedule": 60},
    # Each tenant's digest goes out in the hour its settings name, in its own time zone.
    "digests": {
        "task": "prm.notifications.tasks.digests_due_all_task",
        "schedule": crontab(minute=0),
    },
    "reminders": {
        "task": "prm.notifications.tasks.reminders_run_all_task",
        "schedule": crontab(minute=15),
    },
}
# Apps add their own jobs in their AppConfig.ready() (prm.celery.register_beat).
