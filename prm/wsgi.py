"""WSGI entry point (gunicorn prm.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.prod")

application = get_wsgi_application()
