"""The commissions pages of the vendor's admin UI, a module per part; each registers its model
admins and pages when imported here."""

from prm.workspace.sites import tenant_admin_site

# B: statements, payout batches, closing a period
from . import payouts, statements  # noqa: F401 - they register

tenant_admin_site.register_urls("commissions/statements/", "commissions.admin.statements_urls")
