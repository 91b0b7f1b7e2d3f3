"""Deal registration in the vendor admin UI, one module per area.

- `queue`: the registrations (the CAM's queue) and their read-only decision screen;
- `decide`: approving, rejecting, asking for information, closing and deciding extensions;
- `accounts`: protected accounts, with the CSV import from the CRM;
- `leads`: leads the vendor hands to partners, and assigning them;
- `setup`: products, rejection reasons and the tenant's deal registration settings;
- `urls`: the app's own pages (deciding, assigning, importing), mounted at /admin/deals/.
"""

from prm.workspace.sites import tenant_admin_site

from . import accounts, leads, queue, setup  # noqa: F401 - they register their model admins

tenant_admin_site.register_urls("deals/", "deals.admin.urls")
