"""Part A's pages in the admin UI (funds, allocations, the fund overview, ledgers), mounted at
/admin/mdf/funds/ (`tenant_admin_site.register_urls` in `mdf/admin/__init__.py`); names in the
`admin` namespace."""

from django.urls import path

from . import allocations, overview

urlpatterns = [
    path("<int:pk>/overview/", overview.fund_overview, name="mdf_fund_overview"),
    path(
        "<int:pk>/allocations/",
        allocations.fund_allocations_page,
        name="mdf_fund_allocations",
    ),
    path(
        "<int:pk>/allocations.csv",
        allocations.fund_allocations_csv,
        name="mdf_fund_allocations_csv",
    ),
    path(
        "<int:pk>/allocations/set/",
        allocations.allocation_set_page,
        name="mdf_fund_allocation_set",
    ),
    path(
        "<int:pk>/allocations/by-tier/",
        allocations.allocations_tier_page,
        name="mdf_fund_allocations_tier",
    ),
    path("allocations/<int:pk>/ledger/", overview.allocation_ledger, name="mdf_allocation_ledger"),
    path(
        "allocations/<int:pk>/ledger.csv",
        overview.allocation_ledger_csv,
        name="mdf_allocation_ledger_csv",
    ),
]
