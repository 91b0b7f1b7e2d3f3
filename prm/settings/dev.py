"""Development: DEBUG on, emails written to files the person running the demo can read."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
