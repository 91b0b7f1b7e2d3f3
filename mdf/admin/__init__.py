"""The MDF pages of the vendor's admin UI, a module per sub-domain; each registers its model
admins and pages when imported here."""

from prm.workspace.sites import tenant_admin_site

# MDF: review (part C): the request queue and decisions, claims, payments; funds (part A):
# funds, allocations, the fund overview, ledgers and the MDF settings.
from . import claims, funds, payments, requests, settings  # noqa: F401 - they register

tenant_admin_site.register_urls("mdf/review/", "mdf.admin.review_urls")
tenant_admin_site.register_urls("mdf/funds/", "mdf.admin.fund_urls")
