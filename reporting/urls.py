"""The partner scorecard in the portal, mounted once at /scorecard/ (namespace `reporting`)."""

from django.urls import URLPattern

app_name = "reporting"

urlpatterns: list[URLPattern] = []
