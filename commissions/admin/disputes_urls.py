"""The disputes' answer page, mounted at /admin/commissions/disputes/ (names join the `admin`
namespace: `admin:commissions_dispute_answer`)."""

from django.urls import path

from . import disputes

urlpatterns = [
    path("<path:pk>/answer/", disputes.answer, name="commissions_dispute_answer"),
]
