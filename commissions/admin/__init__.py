"""The commissions pages of the vendor admin UI, a module per part; each registers its model
admins when imported here, and its pages through `register_urls`."""

from prm.workspace.sites import tenant_admin_site

# Disputes
from . import disputes  # noqa: F401 - registers

tenant_admin_site.register_urls("commissions/disputes/", "commissions.admin.disputes_urls")

# Incentives: SPIF campaigns, the sign-off queue, tier bonuses, rewards
from . import incentives  # noqa: E402, F401 - registers

tenant_admin_site.register_urls("commissions/incentives/", "commissions.admin.incentives_urls")
