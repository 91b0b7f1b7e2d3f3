"""The partner portal's earnings pages, mounted at /earnings/ (namespace `commissions`).

Each part of the commissions app adds its pages in a block of its own.
"""

from django.urls import path

from .views import disputes, money

app_name = "commissions"

urlpatterns = [
    # D: the money view, the per-deal breakdown, a line and its disputes
    path("", money.money, name="money"),
    path("deals/", money.deals, name="deals"),
    path("lines/<int:pk>/", money.line, name="line"),
    path("lines/<int:pk>/question/", disputes.dispute_new, name="dispute_new"),
]
