"""The statement and payout pages (part B) beside the model admins' lists and screens, mounted
at /admin/commissions/statements/ (`tenant_admin_site.register_urls` in
`commissions/admin/__init__.py`), each behind the site's `admin_view`; the names join the
`admin` namespace (`admin:commissions_statement_approve`). Each view declares its capability,
resolves its object through a selector and calls one service."""

from django.urls import path

from . import payouts, statements

urlpatterns = [
    path("close/", statements.close, name="commissions_close"),
    path(
        "statement/<path:object_id>/approve/",
        statements.approve,
        name="commissions_statement_approve",
    ),
    path("statement/<path:object_id>/pay/", statements.pay, name="commissions_statement_pay"),
    path("statement/<path:object_id>/pdf/", statements.pdf, name="commissions_statement_pdf"),
    path("statement/<path:object_id>/csv/", statements.csv, name="commissions_statement_csv"),
    path("payoutbatch/new/", payouts.batch_create, name="commissions_payoutbatch_create"),
    path(
        "payoutbatch/<path:object_id>/csv/", payouts.batch_csv, name="commissions_payoutbatch_csv"
    ),
    path(
        "payoutbatch/<path:object_id>/import/",
        payouts.batch_import,
        name="commissions_payoutbatch_import",
    ),
]
