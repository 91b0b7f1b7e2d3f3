"""The commissions pages of the vendor's admin UI, a module per part; each registers its model
admins and pages when imported here."""

from prm.workspace.sites import tenant_admin_site

# D: disputes
from . import disputes  # noqa: F401 - registers

tenant_admin_site.register_urls("commissions/disputes/", "commissions.admin.disputes_urls")
