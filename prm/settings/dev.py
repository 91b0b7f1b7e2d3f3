"""Development: DEBUG on, emails written to files the person running the demo can read."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A webhook receiver on this machine (127.0.0.1, ::1) may be the target of an endpoint.
WEBHOOKS_ALLOW_LOOPBACK = True
