"""The partner scorecard in the portal, mounted once at /scorecard/ (namespace `reporting`)."""

from django.urls import URLPattern, path

from .views import scorecard

app_name = "reporting"

urlpatterns: list[URLPattern] = [
    # B: the partner scorecard
    path("", scorecard.scorecard, name="scorecard"),
]
