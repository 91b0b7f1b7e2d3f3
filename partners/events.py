"""Events of the partners app (emitted by partners.services)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.categories import declare_category
from prm.notifications.events import declare

declare_category("program", _("Your partner program"))

PARTNER_STATUS_CHANGED = declare(
    "partners.partner.status_changed",
    "A partner company moved in its lifecycle (onboarding, active, inactive, offboarded).",
    placeholders=("partner", "status", "reason"),
)
PARTNER_CAMS_ASSIGNED = declare(
    "partners.partner.cams_assigned",
    "Channel account managers were assigned to a partner company.",
    placeholders=("partner",),
)
