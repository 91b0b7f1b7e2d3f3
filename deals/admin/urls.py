"""The deals app's own pages in the vendor admin UI, beside its model admins' list and forms.

Mounted by the admin site at /admin/deals/ (`tenant_admin_site.register_urls` in
`deals/admin/__init__.py`), each view behind the site's `admin_view` (staff of the host's
tenant); the names join the site's `admin` namespace (`admin:deals_deal_approve`). Each view
declares its capability, binds a form and calls the one service that does the work.
"""

from django.urls import path

from . import accounts

urlpatterns = [
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
