"""The deals app's own pages in the vendor admin UI, beside its model admins' list and forms.

Mounted by the admin site at /admin/deals/ (`tenant_admin_site.register_urls` in
`deals/admin/__init__.py`), each view behind the site's `admin_view` (staff of the host's
tenant); the names join the site's `admin` namespace (`admin:deals_deal_approve`). Each view
declares its capability, binds a form and calls the one service that does the work.
"""

from django.urls import path

from . import accounts, decide, exchange, leads

urlpatterns = [
    # A CAM decides a registration (decide.py -> services.decisions, closing, protection)
    path("deal/<path:object_id>/approve/", decide.approve, name="deals_deal_approve"),
    path("deal/<path:object_id>/reject/", decide.reject, name="deals_deal_reject"),
    path(
        "deal/<path:object_id>/request-info/",
        decide.request_info,
        name="deals_deal_request_info",
    ),
    path("deal/<path:object_id>/won/", decide.won, name="deals_deal_won"),
    path("deal/<path:object_id>/lost/", decide.lost, name="deals_deal_lost"),
    path("deal/<path:object_id>/amount/", decide.change_amount, name="deals_deal_amount"),
    path("deal/<path:object_id>/reopen/", decide.reopen, name="deals_deal_reopen"),
    path(
        "deal/<path:object_id>/extensions/<int:extension_id>/",
        decide.extension,
        name="deals_deal_extension",
    ),
    # The partner's files and the thread with the partner (exchange.py -> services.comments)
    path(
        "deal/<path:object_id>/files/<int:attachment_id>/",
        exchange.attachment_download,
        name="deals_deal_attachment",
    ),
    path("deal/<path:object_id>/comments/", exchange.comment_add, name="deals_deal_comment"),
    # Staff route a lead to a partner (leads.py -> services.leads)
    path("lead/<path:object_id>/assign/", leads.assign, name="deals_lead_assign"),
    # Protected accounts from the CRM (accounts.py -> services.protected_accounts)
    path(
        "protectedaccount/import/",
        accounts.protected_account_import,
        name="deals_protectedaccount_import",
    ),
    path(
        "protectedaccount/import/template/",
        accounts.protected_account_import_template,
        name="deals_protectedaccount_import_template",
    ),
]
