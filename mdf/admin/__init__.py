"""The MDF pages of the vendor's admin UI, a module per sub-domain; each registers its model
admins and pages when imported here."""

from prm.workspace.sites import tenant_admin_site

# MDF: review (part C): the request queue and decisions, claims, payments
from . import claims, payments, requests  # noqa: F401 - they register model admins

tenant_admin_site.register_urls("mdf/review/", "mdf.admin.review_urls")
# MDF: funds (part A): funds, allocations, the fund overview, ledgers and the MDF settings.
from . import funds, settings  # noqa: F401 - they register their model admins

tenant_admin_site.register_urls("mdf/funds/", "mdf.admin.fund_urls")
