"""The MDF pages of the vendor's admin UI, a module per sub-domain; each registers its model
admins and pages when imported here."""

# Part A: funds, allocations, the fund overview, ledgers and the MDF settings.
from prm.workspace.sites import tenant_admin_site

from . import funds, settings  # noqa: F401 - they register their model admins

tenant_admin_site.register_urls("mdf/funds/", "mdf.admin.fund_urls")
