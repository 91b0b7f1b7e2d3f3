"""The incentives' admin pages, mounted at /admin/commissions/incentives/ (names join the
`admin` namespace); each view declares its capability and calls one service."""

from django.urls import path

from . import incentives

urlpatterns = [
    # Partner operations sign SPIF awards off
    path("spif-awards/", incentives.spif_queue, name="commissions_spif_queue"),
    path(
        "spif-awards/<path:pk>/approve/",
        incentives.award_approve,
        name="commissions_spifaward_approve",
    ),
    path(
        "spif-awards/<path:pk>/decline/",
        incentives.award_decline,
        name="commissions_spifaward_decline",
    ),
    # Partner operations pay a period's tier bonuses (preview, then pay)
    path("tier-bonuses/run/", incentives.bonus_run, name="commissions_bonus_run"),
]
