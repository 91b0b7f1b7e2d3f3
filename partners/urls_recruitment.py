"""The public "Become a partner" pages of a tenant host (no login)."""

from django.urls import path

from .views import apply

app_name = "recruitment"

urlpatterns = [
    path("", apply.apply, name="apply"),
    path("thanks/", apply.thanks, name="thanks"),
]
