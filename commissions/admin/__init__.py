"""The commissions pages of the vendor admin UI, a module per part; each registers its model
admins when imported here, and its pages through `register_urls`."""

from prm.workspace.sites import tenant_admin_site

# Plans and versions, the preview, the ledger, adjustments, recalculation, settings
from . import ledger, plans, settings  # noqa: F401 - they register

tenant_admin_site.register_urls("commissions/plan/", "commissions.admin.plans_urls")
tenant_admin_site.register_urls("commissions/ledger/", "commissions.admin.ledger_urls")

# Disputes
from . import disputes  # noqa: E402, F401 - registers

tenant_admin_site.register_urls("commissions/disputes/", "commissions.admin.disputes_urls")

# Incentives: SPIF campaigns, the sign-off queue, tier bonuses, rewards
from . import incentives  # noqa: E402, F401 - registers

tenant_admin_site.register_urls("commissions/incentives/", "commissions.admin.incentives_urls")

# Statements, payout batches, closing a period
from . import payouts, statements  # noqa: E402, F401 - they register

tenant_admin_site.register_urls("commissions/statements/", "commissions.admin.statements_urls")
