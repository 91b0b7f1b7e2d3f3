"""The partner page's MDF section and the MDF lines of its recent activity."""

from django.urls import reverse  # noqa: F401 - the section's links
