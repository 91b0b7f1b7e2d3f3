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
TIER_PROPOSED = declare(
    "partners.tier.proposed",
    "The nightly evaluation proposes a promotion or demotion for a CAM to decide.",
    placeholders=("partner", "from_tier", "to_tier"),
)
TIER_CHANGED = declare(
    "partners.tier.changed",
    "A partner moved to another tier (a CAM confirmed the proposal).",
    placeholders=("partner", "from_tier", "to_tier"),
)
AGREEMENT_PUBLISHED = declare(
    "partners.agreement.published",
    "A new version of the partner agreement was published; every partner must accept it.",
    placeholders=("title", "version"),
)
AGREEMENT_ACCEPTED = declare(
    "partners.agreement.accepted",
    "A partner admin accepted the current agreement for their company.",
    placeholders=("partner", "version"),
)
ONBOARDING_STEP_COMPLETED = declare(
    "partners.onboarding.step_completed",
    "A partner completed a step of its onboarding plan (its event happened or a CAM ticked it).",
    placeholders=("partner", "step", "done", "total", "next"),
)
ONBOARDING_STALLED = declare(
    "partners.onboarding.stalled",
    "A partner completed no onboarding step for the plan's number of days (once per step).",
    placeholders=("partner", "step", "days"),
)
ONBOARDING_COMPLETED = declare(
    "partners.onboarding.completed",
    "A partner completed every step of its onboarding plan.",
    placeholders=("partner", "plan", "days"),
)
