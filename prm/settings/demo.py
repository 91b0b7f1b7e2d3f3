"""`make run`, the demo: development settings with the product's own 404 and 500 pages.

Someone trying the demo sees what a customer would see, never Django's technical 404 with the
list of URL patterns. Tracebacks still reach the console (the django.request logger), static
files are served by `runserver --insecure`, and `DJANGO_DEBUG=true make run` brings Django's
debug pages back for whoever develops against the demo data. `manage.py runserver` on its own
keeps DEBUG on (prm.settings.dev).
"""

from .dev import *  # noqa: F403
from .dev import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
WEBHOOKS_ALLOW_LOOPBACK = True  # a receiver on this machine, for trying webhooks out
