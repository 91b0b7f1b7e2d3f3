"""Part A's ledger pages (approve the due lines, reverse a line, post an adjustment), mounted at
/admin/commissions/ledger/; names in the `admin` namespace."""

from django.urls import path

from . import ledger

urlpatterns = [
    path("approve/", ledger.lines_approve, name="commissions_lines_approve"),
    path("line/<path:pk>/reverse/", ledger.line_reverse, name="commissions_line_reverse"),
    path("adjustment/", ledger.adjustment_add, name="commissions_adjustment_add"),
]
