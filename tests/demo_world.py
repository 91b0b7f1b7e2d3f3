"""The demo tenants seen as isolation-matrix worlds, so that tests can open every page of the demo.

`demo_world(tenant)` fills a `TenantWorld` from rows `manage.py seed_demo` made: the staff, the
partner company of the first partner admin with a rep (partner "A"), and for each attribute the
matrix's cases name, a row of the demo that fits (a waiting registration, an approved one with an
extension request, a lead, this year's plan ...). An attribute the demo has no row for stays
None; cases that need it are left out by `page_cases`.
"""

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deals.models import (
    Deal,
    DealAttachment,
    DealExtension,
    DealSettings,
    Lead,
    Product,
    ProtectedAccount,
    RejectReason,
)
from partners.models import (
    AgreementAcceptance,
    AgreementVersion,
    Application,
    BusinessPlan,
    OnboardingPlan,
    OnboardingStep,
    Partner,
    PartnerOnboarding,
    PartnerSettings,
    PartnerType,
    ProfileCriterion,
    RecruitmentSettings,
    Segment,
    Survey,
    Tier,
    TierProposal,
)
from prm.accounts.models import Invitation
from prm.audit.models import AuditEvent
from prm.notifications.models import EmailOutbox, Notification, RuleSetting
from prm.tenancy.capabilities import role_has
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .isolation.matrix import Case, all_cases
from .worlds import TenantWorld

#: who opens a page: the first of these roles that may. Admin UI pages by the leader, who sees
#: every partner; other pages by partner A's admin, who sees all of the company's rows.
STAFF_FIRST = (
    Role.PROGRAM_LEADER,
    Role.PARTNER_OPS,
    Role.CAM,
    Role.PARTNER_ADMIN,
    Role.PARTNER_REP,
)
PARTNER_FIRST = (
    Role.PARTNER_ADMIN,
    Role.PARTNER_REP,
    Role.PROGRAM_LEADER,
    Role.PARTNER_OPS,
    Role.CAM,
)


def _first(queryset: Any) -> Any:
    return queryset.order_by("pk").first()


def demo_world(tenant: Tenant) -> TenantWorld:
    """The demo tenant's rows as a world (call inside the tenant's scope)."""
    members = Membership.objects.filter(tenant=tenant, is_active=True).select_related("user")
    admin = next(
        m
        for m in members.filter(role=Role.PARTNER_ADMIN).order_by("pk")
        if members.filter(role=Role.PARTNER_REP, partner_id=m.partner_id).exists()
    )
    partner = admin.partner
    other = _first(Partner.objects.filter(tenant=tenant).exclude(pk=partner.pk))
    world = TenantWorld(tenant=tenant, partner=partner, other_partner=other)
    for role in (Role.PROGRAM_LEADER, Role.PARTNER_OPS, Role.CAM):
        world.members[role] = _first(members.filter(role=role))
    world.members[Role.PARTNER_ADMIN] = admin
    world.members[Role.PARTNER_REP] = _first(members.filter(role=Role.PARTNER_REP, partner=partner))
    world.other_partner_admin = _first(members.filter(role=Role.PARTNER_ADMIN, partner=other))
    world.other_partner_rep = _first(members.filter(role=Role.PARTNER_REP, partner=other))
    for m in world.members.values():
        notification = Notification.objects.filter(tenant=tenant, recipient=m.user).first()
        if notification is not None:
            world.notifications[m.user_id] = notification
    ours = {"tenant": tenant}
    world.partner_invitation = _first(Invitation.objects.filter(**ours, partner=partner))
    world.audit_event = AuditEvent.objects.filter(**ours).first()
    world.rule_setting = _first(RuleSetting.objects.filter(**ours))
    world.partner_settings = _first(PartnerSettings.objects.filter(**ours))
    world.partner_type = _first(PartnerType.objects.filter(**ours))
    world.segment = _first(Segment.objects.filter(**ours))
    world.tier = _first(Tier.objects.filter(**ours))
    world.tier_proposal = _first(TierProposal.objects.filter(**ours))
    world.agreement = _first(AgreementVersion.objects.filter(**ours))
    world.acceptance = _first(AgreementAcceptance.objects.filter(**ours))
    world.outbox_row = EmailOutbox.objects.filter(**ours).first()
    world.recruitment_settings = _first(RecruitmentSettings.objects.filter(**ours))
    world.criterion = _first(ProfileCriterion.objects.filter(**ours))
    world.application = _first(Application.objects.filter(**ours))
    world.plan = BusinessPlan.objects.filter(
        **ours, partner=partner, year=timezone.localdate().year
    ).first()
    if world.plan is not None:
        world.plan_goal = _first(world.plan.goals.all())
        world.plan_milestone = _first(world.plan.milestones.all())
    world.onboarding_plan = _first(OnboardingPlan.objects.filter(**ours))
    world.manual_step = _first(
        OnboardingStep.objects.filter(**ours, kind=OnboardingStep.Kind.MANUAL)
    )
    world.onboarding = _first(PartnerOnboarding.objects.filter(**ours))
    world.product = _first(Product.objects.filter(**ours))
    world.reject_reason = _first(RejectReason.objects.filter(**ours))
    world.protected_account = _first(ProtectedAccount.objects.filter(**ours))
    world.deal_settings = _first(DealSettings.objects.filter(**ours))
    deals = Deal.objects.filter(**ours, partner=partner)
    # the waiting registration with a file, when the demo has one (its pages show the file)
    world.attachment = _first(
        DealAttachment.objects.filter(**ours, deal__partner=partner, deal__status="submitted")
    )
    world.deal = (
        world.attachment.deal
        if world.attachment
        else _first(deals.filter(status=Deal.Status.SUBMITTED))
    )
    world.extension = _first(DealExtension.objects.filter(**ours, deal__partner=partner))
    world.approved_deal = (
        world.extension.deal if world.extension else _first(deals.filter(status="approved"))
    )
    world.lead = _first(Lead.objects.filter(**ours, partner=partner))
    world.survey = _first(Survey.objects.filter(**ours))
    return world


def member_for(world: TenantWorld, case: Case) -> Membership | None:
    """The member who opens `case`'s page: the first role that may (see STAFF_FIRST)."""
    if case.public:
        return None
    order = STAFF_FIRST if case.name.startswith("admin:") else PARTNER_FIRST
    for role in order:
        if any(role_has(role, c) for c in case.capabilities):
            return world.members.get(role)
    return None


def page_cases(world: TenantWorld) -> Iterator[tuple[Case, Membership | None, str]]:
    """Each page (GET) of the isolation matrix the demo has rows for: (case, member, URL).

    Pages that need a row the demo lacks (an attribute left None) are skipped; so are cases that
    nobody may open (a model admin action no role holds).
    """
    for case in all_cases():
        if case.method != "get" or case.capabilities == ("nobody",):
            continue
        member = member_for(world, case)
        if member is None and not case.public:
            continue
        try:
            kwargs = case.kwargs_for(world, member or world.members[Role.PARTNER_REP])
        except (AttributeError, KeyError, TypeError):
            continue  # the demo has no such row (an attribute or dict entry is missing)
        if any(v is None for v in kwargs.values()):
            continue
        yield case, member, reverse(case.name, kwargs=kwargs)
