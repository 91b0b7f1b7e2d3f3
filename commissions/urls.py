"""The partner portal's earnings pages, mounted once at /earnings/ (namespace `commissions`):
the money view, the per-deal breakdown, a line and its questions, statements, incentives."""

from django.urls import path

from .views import disputes, incentives, money, statements

app_name = "commissions"

urlpatterns = [
    # B: statements
    path("statements/", statements.statements, name="statements"),
    path("statements/<int:pk>/", statements.statement, name="statement"),
    path("statements/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/csv/", statements.statement_csv, name="statement_csv"),
    # D: the money view, the per-deal breakdown, a line and its disputes
    path("", money.money, name="money"),
    path("deals/", money.deals, name="deals"),
    path("lines/<int:pk>/", money.line, name="line"),
    path("lines/<int:pk>/question/", disputes.dispute_new, name="dispute_new"),
    # C: incentives
    path("incentives/", incentives.incentives, name="incentives"),
]
