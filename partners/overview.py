"""The partners app's sections of the partner page (`prm.workspace.partner_page`): the profile,
its channel account managers, tier and path, users, agreement, onboarding checklist and this
year's business plan. The page itself is `partners.admin.overview`."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.selectors import invitations_of_partner, members_of_partner
from prm.dates import format_day
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection

from .agreements.selectors import acceptance_of, current_for
from .models import BusinessPlan, Partner, PartnerOnboarding, TierProposal
from .onboarding import triggers
from .onboarding.progress import progress_of
from .plans.section import plan_section
from .selectors import assigned_cams, partner_settings_for
from .tiers.selectors import gaps_to, standing_of

#: users listed by name on the page; the membership list has them all
SHOWN_USERS = 8


def _change(partner: Partner) -> str:
    return reverse("admin:partners_partner_change", args=[partner.pk])


def profile_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Who the partner is: type, status, tier, where, what, since when (no query: the page's
    partner comes with its type and tier)."""
    facts: list[tuple[str, Any, str]] = [
        (_("Status"), partner.get_status_display(), ""),
        (_("Type"), partner.partner_type, ""),
        (_("Tier"), partner.tier, ""),
        (_("Website"), partner.website, partner.website),
        (_("Address"), partner.address, ""),
        (_("Country"), partner.country.name if partner.country else "", ""),
        (_("Region"), partner.get_region_display(), ""),
        (_("Industry"), partner.get_industry_display(), ""),
        (_("Size"), partner.get_size_band_display(), ""),
        (_("Joined the program"), format_day(partner.joined_on) if partner.joined_on else "", ""),
        (_("Record created"), format_day(partner.created_at), ""),
    ]
    may_edit = membership.can("partners.manage")
    return PartnerSection(
        key="profile",
        title=gettext_lazy("Profile"),
        template="admin/partners/overview/profile.html",
        # Only what is known: an empty field is left out rather than shown as "None".
        context={
            "facts": [fact for fact in facts if fact[1]],
            "partner": partner,
            # what the partner's admins keep up to date in the portal
            "logo_url": reverse("admin:partners_partner_logo", args=[partner.pk])
            if partner.logo
            else "",
            "description": partner.description,
        },
        column="side",
        links=[
            (
                gettext_lazy("Edit the profile") if may_edit else gettext_lazy("All details"),
                _change(partner),
            )
        ],
    )


def cams_section(partner: Partner, membership: Membership) -> PartnerSection:
    """The channel account managers assigned to the partner (1 query)."""
    links = []
    if membership.can("partners.assign"):
        links.append((gettext_lazy("Assign"), _change(partner) + "#id_cams"))
    return PartnerSection(
        key="cams",
        title=gettext_lazy("Channel account managers"),
        template="admin/partners/overview/cams.html",
        context={"cams": list(assigned_cams(partner=partner))},
        column="side",
        links=links,
    )


def tier_section(partner: Partner, membership: Membership) -> PartnerSection | None:
    """The partner's tier, what it misses for the next, and a proposal waiting for a decision."""
    standing = standing_of(partner, timezone.localdate())
    if standing is None:
        return None
    gaps = gaps_to(standing.upcoming, standing.values) if standing.upcoming is not None else []
    proposal = (
        TierProposal.objects.filter(partner=partner, status=TierProposal.Status.PENDING)
        .select_related("from_tier", "to_tier")
        .first()
    )
    return PartnerSection(
        key="tier",
        title=gettext_lazy("Tier and path"),
        template="admin/partners/overview/tier.html",
        context={
            "tier": standing.current,
            "next_tier": standing.upcoming,
            "gaps": gaps,
            "proposal": proposal,
        },
        column="side",
    )


def users_section(partner: Partner, membership: Membership) -> PartnerSection:
    """The partner's active users and open invitations (3 queries)."""
    members = members_of_partner(tenant=partner.tenant, partner=partner).filter(is_active=True)
    links = []
    if membership.can("members.view"):
        url = reverse("admin:tenancy_membership_changelist")
        links.append((gettext_lazy("All users"), f"{url}?partner={partner.pk}"))
    return PartnerSection(
        key="users",
        title=gettext_lazy("Users"),
        template="admin/partners/overview/users.html",
        context={
            "members": list(members[:SHOWN_USERS]),
            "active": members.count(),
            "pending": invitations_of_partner(tenant=partner.tenant, partner=partner).count(),
        },
        column="side",
        links=links,
    )


def agreement_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Whether the partner accepted the current agreement: who, when (2 queries)."""
    current = current_for(partner)
    accepted = current is not None and current.accepted  # type: ignore[attr-defined]
    return PartnerSection(
        key="agreement",
        title=gettext_lazy("Partner agreement"),
        template="admin/partners/overview/agreement.html",
        context={
            "agreement": current,
            "acceptance": acceptance_of(partner, current) if accepted else None,
            "required": partner_settings_for(partner.tenant).require_agreement,
        },
        column="side",
    )


def onboarding_section(partner: Partner, membership: Membership) -> PartnerSection | None:
    """The onboarding checklist with each step's state, and who ticked it (3 queries)."""
    onboarding = PartnerOnboarding.objects.filter(partner=partner).select_related("plan").first()
    if onboarding is None and partner.status != Partner.Status.ONBOARDING:
        return None
    progress = progress_of(onboarding) if onboarding is not None else None
    return PartnerSection(
        key="onboarding",
        title=gettext_lazy("Onboarding"),
        template="admin/partners/overview/onboarding.html",
        context={
            "progress": progress,
            "rows": [(st, triggers.event_label(st.step.event)) for st in progress.steps]
            if progress
            else [],
        },
        links=[
            (
                gettext_lazy("Open the checklist"),
                reverse("admin:partners_partner_onboarding", args=[partner.pk]),
            )
        ],
    )


def plan_overview_section(partner: Partner, membership: Membership) -> PartnerSection:
    """This year's joint business plan: goals with progress, milestones by due date."""
    portal = plan_section(partner, membership)
    assert portal is not None  # it always has something to say, a plan or its absence
    plan = portal.context.get("plan")
    links: list[tuple[Any, str]] = []
    if plan is not None:
        links.append(
            (
                gettext_lazy("Open the plan"),
                reverse("admin:partners_businessplan_change", args=[plan.pk]),
            )
        )
    elif membership.can("partners.plan.edit"):
        add = reverse("admin:partners_businessplan_add")
        year = portal.context["year"]
        links.append((gettext_lazy("Create the plan"), f"{add}?partner={partner.pk}&year={year}"))
    return PartnerSection(
        key="plan",
        title=portal.title,
        template="admin/partners/overview/plan.html",
        context=portal.context,
        links=links,
    )


def plans_of_partner(partner: Partner) -> QuerySet[BusinessPlan]:
    """The partner's business plans, whose history belongs on its page."""
    return BusinessPlan.objects.filter(tenant_id=partner.tenant_id, partner=partner)
