"""Who is told what when the partners app's events happen."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from . import events
from .selectors import assigned_cams_of, event_partner_id


def _newly_assigned_cams(event: Event) -> Iterable[Membership]:
    return Membership.objects.filter(
        tenant=event.tenant, pk__in=event.data.get("added_membership_ids", [])
    ).select_related("user")


def _partner_page(event: Event, recipient: Membership) -> str:
    if recipient.is_vendor_staff and event.subject is not None:
        return reverse("admin:partners_partner_overview", args=[event.subject.pk])
    return reverse("portal:home")


register_recipients("newly_assigned_cams", _newly_assigned_cams)

register_rule(
    Rule(
        key="partners.partner.status_changed.tell_partner_admins",
        event=events.PARTNER_STATUS_CHANGED.name,
        description=_("Tell a partner's admins when their program status changes."),
        recipients=("partner_admins",),
        title=_("{partner} is now {status} in the {vendor} partner program"),
        body=_("Your company's status in the program changed."),
        category="program",
        link=_partner_page,
        message="reason",
    )
)
register_rule(
    Rule(
        key="partners.partner.cams_assigned.tell_cams",
        event=events.PARTNER_CAMS_ASSIGNED.name,
        description=_("Tell channel account managers when a partner is assigned to them."),
        recipients=("newly_assigned_cams",),
        title=_("You now manage {partner}"),
        body=_("{actor} assigned {partner} to you."),
        category="program",
        link=_partner_page,
    )
)


def _assigned_cams(event: Event) -> Iterable[Membership]:
    partner_id = event_partner_id(event)
    if partner_id is None:
        return []
    return assigned_cams_of(tenant_id=event.tenant.pk, partner_id=partner_id)


def _proposals_page(event: Event, recipient: Membership) -> str:
    return reverse("admin:partners_tierproposal_changelist") if recipient.is_vendor_staff else ""


register_recipients("assigned_cams", _assigned_cams)

register_rule(
    Rule(
        key="partners.tier.proposed.tell_cams",
        event=events.TIER_PROPOSED.name,
        description=_("Ask a partner's CAMs to confirm or dismiss a proposed tier change."),
        recipients=("assigned_cams",),
        title=_("{partner}: {from_tier} → {to_tier} is waiting for you"),
        body=_("The nightly tier evaluation proposes moving {partner} to {to_tier}."),
        category="program",
        link=_proposals_page,
    )
)
register_rule(
    Rule(
        key="partners.tier.changed.tell_partner_admins",
        event=events.TIER_CHANGED.name,
        description=_("Tell a partner's admins when their tier changes."),
        recipients=("partner_admins",),
        title=_("{partner} is now {to_tier}"),
        body=_("{partner} moved from {from_tier} to {to_tier} in the {vendor} partner program."),
        category="program",
        link=_partner_page,
    )
)


def _all_partner_admins(event: Event) -> Iterable[Membership]:
    return Membership.objects.filter(
        tenant=event.tenant, role=Role.PARTNER_ADMIN, is_active=True
    ).select_related("user")


register_recipients("all_partner_admins", _all_partner_admins)

register_rule(
    Rule(
        key="partners.agreement.published.tell_partner_admins",
        event=events.AGREEMENT_PUBLISHED.name,
        description=_("Ask every partner admin to accept a newly published agreement."),
        recipients=("all_partner_admins",),
        title=_("Please accept the new partner agreement"),
        body=_("{vendor} published “{title}” (version {version}). Read and accept it."),
        category="program",
        link=lambda event, recipient: reverse("partners:agreement"),
    )
)
register_rule(
    Rule(
        key="partners.agreement.accepted.tell_cams",
        event=events.AGREEMENT_ACCEPTED.name,
        description=_("Tell a partner's CAMs when it accepts the agreement."),
        recipients=("assigned_cams",),
        title=_("{partner} accepted the agreement"),
        body=_("{actor} accepted version {version} for {partner}."),
        category="program",
        link=lambda event, recipient: reverse("admin:partners_agreementacceptance_changelist"),
    )
)


def _application_page(event: Event, recipient: Membership) -> str:
    if event.subject is None:
        return reverse("admin:partners_application_changelist")
    return reverse("admin:partners_application_change", args=[event.subject.pk])


register_rule(
    Rule(
        key="partners.application.received.tell_partner_ops",
        event=events.APPLICATION_RECEIVED.name,
        description=_("Tell partner ops when someone applies to join the program."),
        recipients=("partner_ops",),
        title=_("New partner application: {company}"),
        body=_("{contact} applied for {company} ({country}). Score: {score}."),
        category="program",
        link=_application_page,
    )
)
register_rule(
    Rule(
        key="partners.application.approved.tell_recruiters",
        event=events.APPLICATION_APPROVED.name,
        description=_("Tell partner ops and program leaders when an application is approved."),
        recipients=("partner_ops", "program_leaders"),
        title=_("{company} was approved"),
        body=_("{actor} approved {company}; {contact} is invited as the first admin of {partner}."),
        category="program",
        link=_application_page,
    )
)
register_rule(
    Rule(
        key="partners.application.declined.tell_partner_ops",
        event=events.APPLICATION_DECLINED.name,
        description=_("Tell partner ops when an application is declined."),
        recipients=("partner_ops",),
        title=_("{company} was declined"),
        body=_("{actor} declined {company}: {reason}"),
        category="program",
        link=_application_page,
    )
)


# Joint business plans: each side hears about the other side's changes; overdue milestones.


def _plan_page(event: Event, recipient: Membership) -> str:
    plan_id = getattr(event.subject, "plan_id", None) or getattr(event.subject, "pk", None)
    if recipient.is_vendor_staff:
        return reverse("admin:partners_businessplan_change", args=[plan_id]) if plan_id else ""
    return reverse("partners:plan", kwargs={"year": event.data["year"]})


def _cams_if_partner_changed(event: Event) -> Iterable[Membership]:
    return _assigned_cams(event) if event.data.get("side") == "partner" else []


def _admins_if_vendor_changed(event: Event) -> Iterable[Membership]:
    if event.data.get("side") != "vendor":
        return []
    return Membership.objects.filter(
        tenant=event.tenant,
        partner_id=event.data["partner_id"],
        role=Role.PARTNER_ADMIN,
        is_active=True,
    ).select_related("user")


def _milestone_owner(event: Event) -> Iterable[Membership]:
    owner_id = getattr(event.subject, "owner_id", None)
    if owner_id is None:
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=owner_id).select_related("user")


register_recipients("plan_cams_if_partner_changed", _cams_if_partner_changed)
register_recipients("plan_admins_if_vendor_changed", _admins_if_vendor_changed)
register_recipients("milestone_owner", _milestone_owner)

register_rule(
    Rule(
        key="partners.plan.changed.tell_cams",
        event=events.PLAN_CHANGED.name,
        description=_("Tell a partner's CAMs when the partner changes its business plan."),
        recipients=("plan_cams_if_partner_changed",),
        title=_("{partner} changed its {year} business plan"),
        body=_("{actor} {changes}."),
        category="program",
        link=_plan_page,
    )
)
register_rule(
    Rule(
        key="partners.plan.changed.tell_partner_admins",
        event=events.PLAN_CHANGED.name,
        description=_("Tell a partner's admins when the vendor changes their business plan."),
        recipients=("plan_admins_if_vendor_changed",),
        title=_("{vendor} changed your {year} business plan"),
        body=_("{actor} {changes}."),
        category="program",
        link=_plan_page,
    )
)
register_rule(
    Rule(
        key="partners.plan.milestone_overdue.tell_owner_admins_cams",
        event=events.PLAN_MILESTONE_OVERDUE.name,
        description=_(
            "Tell a milestone's owner, the partner's admins and its CAMs when a business plan "
            "milestone is overdue."
        ),
        recipients=("milestone_owner", "partner_admins", "assigned_cams"),
        title=_("Overdue: “{milestone}” ({partner}, {year} plan)"),
        body=_("“{milestone}”, owned by {owner}, was due on {due} and is not done yet."),
        category="program",
        link=_plan_page,
    )
)


def _onboarding_page(event: Event, recipient: Membership) -> str:
    partner_id = event.data.get("partner_id")
    if recipient.is_vendor_staff and partner_id:
        return reverse("admin:partners_partner_onboarding", args=[partner_id])
    return reverse("partners:program") + "#onboarding"


register_rule(
    Rule(
        key="partners.onboarding.step_completed.tell_partner_admins",
        event=events.ONBOARDING_STEP_COMPLETED.name,
        description=_("Cheer a partner's admins on when an onboarding step is done."),
        recipients=("partner_admins",),
        title=_("Great — {done} of {total} onboarding steps done"),
        body=_("“{step}” is done. {next}"),
        category="program",
        link=_onboarding_page,
        # The admin who did the step sees the encouragement and the next step too.
        include_actor=True,
    )
)
register_rule(
    Rule(
        key="partners.onboarding.stalled.tell_partner_admins",
        event=events.ONBOARDING_STALLED.name,
        description=_("Remind a partner's admins of the onboarding step they are stuck at."),
        recipients=("partner_admins",),
        title=_("Your onboarding is waiting for “{step}”"),
        body=_("Nothing has moved in your {vendor} onboarding for {days}. Next: “{step}”."),
        category="program",
        link=_onboarding_page,
    )
)
register_rule(
    Rule(
        key="partners.onboarding.stalled.tell_cams",
        event=events.ONBOARDING_STALLED.name,
        description=_("Tell a partner's CAMs when its onboarding stalls."),
        recipients=("assigned_cams",),
        title=_("Onboarding of {partner} stalled at “{step}”"),
        body=_("{partner} completed no onboarding step for {days}. Next: “{step}”."),
        category="program",
        link=_onboarding_page,
    )
)
register_rule(
    Rule(
        key="partners.onboarding.completed.tell_cams",
        event=events.ONBOARDING_COMPLETED.name,
        description=_("Tell a partner's CAMs when it completes its onboarding plan."),
        recipients=("assigned_cams",),
        title=_("{partner} completed onboarding"),
        body=_("{partner} completed “{plan}” in {days}."),
        category="program",
        link=_onboarding_page,
    )
)


register_rule(
    Rule(
        key="partners.partner.profile_changed.tell_cams",
        event=events.PARTNER_PROFILE_CHANGED.name,
        description=_("Tell a partner's CAMs when its admins change the company profile."),
        recipients=("assigned_cams",),
        title=_("{partner} changed its company profile"),
        body=_("{actor} changed {changes}."),
        category="program",
        email=False,
        link=_partner_page,
    )
)
