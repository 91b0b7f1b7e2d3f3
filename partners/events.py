"""Events of the partners app, emitted by its services (partners.services and each area's own)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.categories import declare_category
from prm.notifications.events import declare

declare_category("program", _("Your partner program"))

PARTNER_CREATED = declare(
    "partners.partner.created",
    "A partner company was created (by vendor staff, through the API or by approving an "
    "application).",
    placeholders=("partner",),
)
PARTNER_CHANGED = declare(
    "partners.partner.changed",
    "Vendor staff or an integration changed a partner company's details (name, type, website, "
    "country, region, industry, size, joined date, CRM id).",
    placeholders=("partner", "changes"),
)
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
PARTNER_PROFILE_CHANGED = declare(
    "partners.partner.profile_changed",
    "A partner admin changed the company's profile in the portal (logo, description, address, "
    "website).",
    placeholders=("partner", "changes"),
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
PARTNERS_IMPORTED = declare(
    "partners.partner.imported",
    "Partner companies were created from a CSV file (one event per file, with their ids).",
    placeholders=("count",),
)

APPLICATION_RECEIVED = declare(
    "partners.application.received",
    'Someone applied to join the program through the public "Become a partner" page.',
    placeholders=("company", "contact", "country", "score"),
)
APPLICATION_APPROVED = declare(
    "partners.application.approved",
    "Partner ops approved an application: the partner exists and its first admin is invited.",
    placeholders=("company", "contact", "partner"),
)
APPLICATION_DECLINED = declare(
    "partners.application.declined",
    "Partner ops declined an application; the applicant was told why.",
    placeholders=("company", "contact", "reason"),
)
PLAN_CHANGED = declare(
    "partners.plan.changed",
    "A joint business plan was created or changed (goals, milestones, strategy); the other "
    "side (the partner's admins or its CAMs) is told what changed.",
    placeholders=("partner", "year", "changes"),
)
PLAN_MILESTONE_OVERDUE = declare(
    "partners.plan.milestone_overdue",
    "A milestone of a joint business plan passed its due date without being done.",
    placeholders=("partner", "year", "milestone", "due", "owner"),
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
SURVEY_REQUESTED = declare(
    "partners.survey.requested",
    "A partner user is asked a PSAT survey (a trigger fired and the fatigue rule allowed it); "
    "the email carries a link that answers it without signing in.",
    placeholders=("survey",),
)
