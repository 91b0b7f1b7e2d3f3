"""The partner portal's earnings pages, mounted once at /earnings/ (namespace `commissions`).
Each part adds its paths in a block of its own."""

from django.urls import path

from .views import incentives

app_name = "commissions"

urlpatterns = [
    # C: incentives
    path("incentives/", incentives.incentives, name="incentives"),
]
