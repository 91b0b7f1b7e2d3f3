"""The two tenant worlds most tests run against ("ours" and "theirs"), built once per session.

A world is one tenant with a member in every role, two partner companies and one row of nearly
everything, so that every URL of the isolation matrix has an object to open. Building one takes
a few hundred queries; the `WorldStore` builds both once, commits them, and hands every test deep
copies of the instances, while the test's own writes roll back with its transaction (the same
bargain as Django's `TestCase.setUpTestData`). Tests with real commits (`transaction=True`,
`live_server`) end with a flush of the database: `WorldStore.invalidate` is then called by the
root conftest and the next test that asks for a world gets a rebuilt one.
"""

import copy
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import PROTECT, Max
from django.test import Client
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from commissions.accrual import deal_accrue
from commissions.models import (
    CommissionSettings,
    Dispute,
    Line,
    PayoutBatch,
    Plan,
    PlanVersion,
    Reward,
    SpifAward,
    SpifCampaign,
    Statement,
    TierBonusRule,
)
from commissions.setup import commission_settings
from commissions.tests import factories as commission_rows
from deals.models import (
    Deal,
    DealAttachment,
    DealComment,
    DealExtension,
    DealSettings,
    Lead,
    Product,
    ProtectedAccount,
    RejectReason,
)
from deals.selectors import deal_settings_for
from deals.tests.factories import (
    DealFactory,
    LeadFactory,
    ProductFactory,
    ProtectedAccountFactory,
    RejectReasonFactory,
)
from mdf.models import (
    Allocation,
    Claim,
    Fund,
    FundQuestion,
    MdfRequest,
    MdfSettings,
    PaymentBatch,
    ProofFile,
)
from mdf.numbers import next_number
from mdf.setup import mdf_settings
from mdf.tests import factories as mdf_rows
from partners.models import (
    AgreementAcceptance,
    AgreementVersion,
    Application,
    ApplicationField,
    BusinessPlan,
    OnboardingPlan,
    OnboardingStep,
    Partner,
    PartnerOnboarding,
    PartnerSettings,
    PartnerType,
    PlanGoal,
    PlanMilestone,
    ProfileCriterion,
    RecruitmentSettings,
    RulesOfEngagement,
    Segment,
    Survey,
    SurveyAnswer,
    SurveyRequest,
    Tier,
    TierProposal,
)
from partners.selectors import partner_settings_for, rules_of_engagement_for
from partners.surveys.tokens import new_nonce
from partners.tests.factories import ApplicationFactory, BusinessPlanFactory, PartnerFactory
from prm.accounts.models import Invitation
from prm.accounts.tests.factories import InvitationFactory
from prm.api.models import ApiKey
from prm.api.registry import READ, WRITE
from prm.api.registry import resources as api_resources
from prm.api.services import api_key_create, api_key_revoke
from prm.audit.models import AuditEvent
from prm.audit.services import audit_record
from prm.exchange.models import ExchangeRate
from prm.jobs.models import Job
from prm.metrics.periods import month_of
from prm.notifications.models import EmailOutbox, Notification, RuleSetting
from prm.notifications.services import rule_settings_ensure
from prm.tenancy.demo import logo_png
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, TenantFactory, partner_membership
from prm.webhooks import payloads as webhook_payloads
from prm.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from prm.webhooks.services import endpoint_create as webhook_endpoint_create
from reporting.models import Alert, AlertEvent, AlertRule, Qbr, QbrActionItem
from reporting.qbrs import services as qbr_services
from tests import jobkinds  # registers the job kind `tests.count`
from training.library.grants import grant as grant_asset
from training.library.services import asset_search_refresh
from training.models import (
    Asset,
    Attempt,
    Certification,
    CertificationAward,
    Choice,
    Course,
    CourseVersion,
    Enrolment,
    LearningPath,
    Module,
    ModuleCompletion,
    PathCourse,
    Question,
    TrainingSettings,
    VersionChoice,
    VersionModule,
    VersionQuestion,
)


@dataclass
class TenantWorld:
    """One tenant with a member in every role, two partner companies and some rows to probe."""

    tenant: Tenant
    partner: Partner  # the partner whose admin and rep are in `members`
    other_partner: Partner  # a second company of the same tenant

    #: an API key with every scope (prm.api), and the whole keys of it ("all"), of a revoked
    #: key ("revoked") and of an expired one ("expired")
    api_key: "ApiKey | None" = None
    api_tokens: dict[str, str] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    other_partner_admin: Membership | None = None
    other_partner_rep: Membership | None = None
    partner_invitation: Invitation | None = None
    other_partner_invitation: Invitation | None = None
    audit_event: AuditEvent | None = None
    #: one notification for every member above, by user id
    notifications: dict[int, Notification] = field(default_factory=dict)
    rule_setting: RuleSetting | None = None
    partner_settings: PartnerSettings | None = None
    rules_of_engagement: RulesOfEngagement | None = None
    partner_type: PartnerType | None = None
    segment: Segment | None = None
    tier: Tier | None = None
    tier_proposal: TierProposal | None = None
    agreement: AgreementVersion | None = None
    acceptance: AgreementAcceptance | None = None
    outbox_row: EmailOutbox | None = None
    recruitment_settings: RecruitmentSettings | None = None
    criterion: ProfileCriterion | None = None
    application: Application | None = None  # pending
    #: this year's business plans of partner A and B, each with a goal and a milestone that
    #: the company's rep owns
    plan: BusinessPlan | None = None
    plan_goal: PlanGoal | None = None
    plan_milestone: PlanMilestone | None = None
    other_plan_goal: PlanGoal | None = None
    other_plan_milestone: PlanMilestone | None = None
    onboarding_plan: OnboardingPlan | None = None
    #: the manual step of the plan, which partner A's onboarding has open
    manual_step: OnboardingStep | None = None
    onboarding: PartnerOnboarding | None = None  # partner A's
    product: Product | None = None
    reject_reason: RejectReason | None = None
    protected_account: ProtectedAccount | None = None
    deal_settings: DealSettings | None = None
    #: partner A's rep's submitted registration, and partner B's rep's (another customer)
    deal: Deal | None = None
    other_deal: Deal | None = None
    #: partner A's approved registration with a pending extension request
    approved_deal: Deal | None = None
    extension: DealExtension | None = None
    #: leads assigned to partner A and to partner B
    lead: Lead | None = None
    other_lead: Lead | None = None
    #: a PDF partner A's rep attached to `deal`, and one partner B's rep attached to `other_deal`
    attachment: DealAttachment | None = None
    other_attachment: DealAttachment | None = None
    #: a published course for every partner, with a text, a video and a file module; partner
    #: A's rep started it and completed the text module
    course: Course | None = None
    course_modules: dict[str, VersionModule] = field(default_factory=dict)
    enrolment: Enrolment | None = None
    #: a published course for a segment partner A is not in (its users get 404 for it)
    other_course: Course | None = None
    other_course_module: VersionModule | None = None
    #: a published learning path for every partner (the world's course, required), and one
    #: for the segment partner A is not in
    path: LearningPath | None = None
    other_path: LearningPath | None = None
    #: the path's certification; partner A's rep's award of it, and partner B's rep's
    certification: Certification | None = None
    award: CertificationAward | None = None
    other_award: CertificationAward | None = None
    #: a published course for every partner with a text and a quiz module (3 questions, no
    #: limit, no wait); partner A's rep and admin failed one attempt each; and a quiz for the
    #: other segment
    quiz_course: Course | None = None
    quiz_module: VersionModule | None = None
    quiz_attempt: Attempt | None = None
    other_quiz_course: Course | None = None
    other_quiz_module: VersionModule | None = None
    training_settings: TrainingSettings | None = None
    #: the content library: a published PDF for every partner; one for a segment partner A is
    #: not in (its users get 404 for it and its file); one granted to partner A by name only
    asset: Asset | None = None
    other_asset: Asset | None = None
    named_asset: Asset | None = None
    #: MDF (reps may request): a fund of the current quarter with one question, partner A and
    #: B each allocated 20,000 of it; each company's rep has a submitted request
    #: (`mdf_request`, `other_mdf_request`) and an approved one with a submitted claim and a
    #: PDF proof (`funded_request`, `claim`, `proof`; `other_…` for B); partner A also has a
    #: claim approved and due in the payment batch `payment_batch` (`due_claim`)
    mdf_settings: MdfSettings | None = None
    fund: Fund | None = None
    fund_question: FundQuestion | None = None
    allocation: Allocation | None = None
    other_allocation: Allocation | None = None
    mdf_request: MdfRequest | None = None
    other_mdf_request: MdfRequest | None = None
    funded_request: MdfRequest | None = None
    other_funded_request: MdfRequest | None = None
    claim: Claim | None = None
    other_claim: Claim | None = None
    proof: ProofFile | None = None
    other_proof: ProofFile | None = None
    due_claim: Claim | None = None
    payment_batch: PaymentBatch | None = None
    #: Commissions: the plan (its version 1 published: Reseller 10% (partner A's type), others
    #: 5%, Silver +5 points, the world's product 15%) and a draft version 2; partner A's won
    #: deal with its pending accrual line (`won_deal`, `line`) and partner B's (`other_…`);
    #: last month's approved statements of A (in the payout batch) and B, each holding an
    #: approved adjustment; an open dispute of each company's admin about its line; a SPIF with
    #: an award of A's waiting for sign-off (and one of B's); a tier bonus; a reward to A and B
    commission_settings: CommissionSettings | None = None
    commission_plan: Plan | None = None
    plan_version: PlanVersion | None = None
    draft_version: PlanVersion | None = None
    won_deal: Deal | None = None
    other_won_deal: Deal | None = None
    line: Line | None = None
    other_line: Line | None = None
    statement: Statement | None = None
    other_statement: Statement | None = None
    payout_batch: PayoutBatch | None = None
    dispute: Dispute | None = None
    other_dispute: Dispute | None = None
    spif: SpifCampaign | None = None
    spif_award: SpifAward | None = None
    other_spif_award: SpifAward | None = None
    tier_bonus: TierBonusRule | None = None
    reward: Reward | None = None
    other_reward: Reward | None = None
    #: Exchange rates: the USD rate of the (EUR) tenant, in force since 30 days ago
    exchange_rate: ExchangeRate | None = None
    #: background jobs: a finished `tests.count` job with a result file and one failure
    job: Job | None = None
    #: Reporting (C: alerts): a rule on each partner told to its CAMs, its open alert about
    #: partner A (owned by the CAM, who manages A) and about partner B (no CAM: no owner)
    alert_rule: AlertRule | None = None
    alert: Alert | None = None
    other_alert: Alert | None = None
    #: Reporting (E: business reviews): last quarter's reviews of partner A and B, drafts shared
    #: with their admins, each with an action item its company's rep owns and a comment; the
    #: quarter before's reviews of A and B, final (their PDFs rendered on first download)
    qbr: Qbr | None = None
    other_qbr: Qbr | None = None
    qbr_action: QbrActionItem | None = None
    other_qbr_action: QbrActionItem | None = None
    final_qbr: Qbr | None = None
    other_final_qbr: Qbr | None = None
    #: PSAT: a named survey; an open request of it for partner A's admin and rep (by user id)
    #: and for partner B's rep (`other_survey_request`); one answer of partner A's
    survey: Survey | None = None
    survey_requests: dict[int, SurveyRequest] = field(default_factory=dict)
    other_survey_request: SurveyRequest | None = None
    #: Webhooks: an endpoint (subscribed only to `webhooks.endpoint.disabled`, which tests do
    #: not emit: no other test's event reaches it) and a delivered test event with its attempt
    webhook_endpoint: WebhookEndpoint | None = None
    webhook_delivery: WebhookDelivery | None = None

    @property
    def host(self) -> str:
        return self.tenant.primary_domain.host  # type: ignore[union-attr]


def build_world(slug: str) -> TenantWorld:
    tenant = TenantFactory(slug=slug, name=slug.title())
    tenant.logo.save("logo.png", logo_png(slug[:2].upper(), "#123456", "#abcdef"))
    with scope(tenant=tenant):
        partner = PartnerFactory(tenant=tenant, name=f"{slug} partner A")
        other = PartnerFactory(tenant=tenant, name=f"{slug} partner B")
        world = TenantWorld(tenant=tenant, partner=partner, other_partner=other)
        for role in (Role.PROGRAM_LEADER, Role.PARTNER_OPS, Role.CAM):
            world.members[role] = MembershipFactory(tenant=tenant, role=role)
        world.members[Role.PARTNER_ADMIN] = partner_membership(partner, Role.PARTNER_ADMIN)
        world.members[Role.PARTNER_REP] = partner_membership(partner, Role.PARTNER_REP)
        world.other_partner_admin = partner_membership(other, Role.PARTNER_ADMIN)
        world.other_partner_rep = partner_membership(other, Role.PARTNER_REP)
        # The CAM manages partner A only (a per-object grant), not partner B.
        assign_perm(MANAGE_PARTNER, world.members[Role.CAM].user, partner)
        world.partner_settings = partner_settings_for(tenant)
        world.rules_of_engagement = rules_of_engagement_for(tenant)
        # Both companies have a logo, so that its pages serve one to whoever may see it.
        for company in (partner, other):
            company.logo.save("logo.png", logo_png(company.name[:2].upper(), "#345678", "#fedcba"))
        world.partner_type = PartnerType.objects.create(tenant=tenant, name="Reseller")
        world.segment = Segment.objects.create(tenant=tenant, name="EMEA", regions=["emea"])
        world.tier = Tier.objects.create(tenant=tenant, name="Silver", rank=2)
        world.agreement = AgreementVersion.objects.create(
            tenant=tenant, version=1, title=f"{slug} agreement", body_html="<p>Terms</p>"
        )
        world.acceptance = AgreementAcceptance.objects.create(
            tenant=tenant,
            partner=partner,
            agreement=world.agreement,
            accepted_by_label="someone@example.test",
        )
        world.tier_proposal = TierProposal.objects.create(
            tenant=tenant, partner=partner, to_tier=world.tier, is_promotion=True
        )
        world.onboarding_plan = OnboardingPlan.objects.create(tenant=tenant, name="Onboarding")
        OnboardingStep.objects.create(
            tenant=tenant,
            plan=world.onboarding_plan,
            position=1,
            title="Accept the agreement",
            event="partners.agreement.accepted",
        )
        world.manual_step = OnboardingStep.objects.create(
            tenant=tenant,
            plan=world.onboarding_plan,
            position=2,
            title="Kick-off call",
            kind=OnboardingStep.Kind.MANUAL,
        )
        world.onboarding = PartnerOnboarding.objects.create(
            tenant=tenant,
            partner=partner,
            plan=world.onboarding_plan,
            started_at=partner.created_at,
        )
        world.partner_invitation = InvitationFactory(partner=partner)
        world.other_partner_invitation = InvitationFactory(partner=other)
        world.audit_event = audit_record(
            tenant=tenant, actor=None, action="test.seeded", obj=partner
        )
        members = [*world.members.values(), world.other_partner_admin, world.other_partner_rep]
        for m in members:
            world.notifications[m.user_id] = Notification.objects.create(
                tenant=tenant,
                recipient=m.user,
                event="test.seeded",
                rule="test.seeded",
                category="account",
                title=f"Hello {m.user.email} at {slug}",
                link="/",
            )
        rule_settings_ensure(tenant=tenant)
        world.rule_setting = RuleSetting.objects.filter(tenant=tenant).first()
        world.outbox_row = EmailOutbox.objects.create(
            tenant=tenant,
            to_email="someone@example.test",
            subject=f"Seeded email of {slug}",
            body_text="text",
            body_html="<p>html</p>",
            status=EmailOutbox.Status.SENT,
        )
        # Recruitment: the public page takes applications; one waits in the queue.
        world.recruitment_settings = RecruitmentSettings.objects.create(
            tenant=tenant, is_open=True, asked_fields=list(ApplicationField.values)
        )
        world.criterion = ProfileCriterion.objects.create(
            tenant=tenant, field="region", regions=["emea"], weight=10
        )
        world.application = ApplicationFactory(tenant=tenant, company_name=f"{slug} applicant")
        year = timezone.localdate().year
        world.plan = BusinessPlanFactory(
            partner=partner, year=year, parts__owner=world.members[Role.PARTNER_REP]
        )
        world.plan_goal = world.plan.goals.get()
        world.plan_milestone = world.plan.milestones.get()
        other_plan = BusinessPlanFactory(
            partner=other, year=year, parts__owner=world.other_partner_rep
        )
        world.other_plan_goal = other_plan.goals.get()
        world.other_plan_milestone = other_plan.milestones.get()
        build_deals(world, slug)
        build_training(world, slug)
        build_paths(world, slug)
        build_quiz(world, slug)
        build_library(world, slug)
        build_mdf(world, slug)
        build_commissions(world, slug)
        world.exchange_rate = ExchangeRate.objects.create(
            tenant=tenant,
            currency="USD" if tenant.default_currency != "USD" else "EUR",
            rate=Decimal("0.90000000"),
            valid_from=timezone.localdate() - timedelta(days=30),
        )
        build_jobs(world, slug)
        build_alerts(world)
        build_qbrs(world)
        build_surveys(world, slug)
        build_api_keys(world)
        build_webhooks(world)
    return world


def build_api_keys(world: TenantWorld) -> None:
    """A key with every scope at its most (write where a resource allows it), one revoked and
    one expired (prm.api); their whole keys are kept in `api_tokens` by name."""
    leader = world.members[Role.PROGRAM_LEADER]
    every = {r.name: READ if r.read_only else WRITE for r in api_resources()}
    made = {
        "all": api_key_create(actor=leader, name="CRM sync", scopes=every),
        "revoked": api_key_create(actor=leader, name="Old sync", scopes=every),
        "expired": api_key_create(actor=leader, name="Trial sync", scopes=every),
    }
    api_key_revoke(actor=leader, key=made["revoked"].key)
    ApiKey.objects.filter(pk=made["expired"].key.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    world.api_key = made["all"].key
    world.api_tokens = {name: new.token for name, new in made.items()}


def build_webhooks(world: TenantWorld) -> None:
    """Webhooks: an endpoint added through its service by the program leader, and a delivered
    `webhooks.ping` written as rows (the world sends nothing over the network)."""
    leader = world.members[Role.PROGRAM_LEADER]
    last_notification = Notification.objects.aggregate(n=Max("pk"))["n"] or 0
    last_email = EmailOutbox.objects.aggregate(n=Max("pk"))["n"] or 0
    slug = world.tenant.slug
    endpoint = webhook_endpoint_create(
        actor=leader,
        url=f"https://hooks.{slug}.example/prm",
        description=f"{slug} CRM",
        events=["webhooks.endpoint.disabled"],
    )
    now = timezone.now()
    delivery_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        id=delivery_id,
        tenant=world.tenant,
        endpoint=endpoint,
        event="webhooks.ping",
        body=webhook_payloads.body(
            delivery_id=delivery_id,
            event="webhooks.ping",
            created=now,
            tenant=slug,
            data=webhook_payloads.subject_data(None, {"message": f"Hello {slug}"}),
        ),
        status=WebhookDelivery.Status.DELIVERED,
        created_at=now,
        attempts=1,
        last_attempt_at=now,
        last_status_code=200,
        delivered_at=now,
    )
    WebhookAttempt.objects.create(
        tenant=world.tenant,
        delivery=delivery,
        at=now,
        request_headers={"PRM-Event": "webhooks.ping", "PRM-Delivery": str(delivery_id)},
        request_body=delivery.body,
        response_status=200,
        response_headers={"Content-Type": "text/plain"},
        response_body=f"ok {slug}",
        duration_ms=12,
        ok=True,
    )
    world.webhook_endpoint = endpoint
    world.webhook_delivery = delivery
    # Nothing above tells anyone; kept in step with the other builders should that change.
    Notification.objects.filter(tenant=world.tenant, pk__gt=last_notification).delete()
    EmailOutbox.objects.filter(tenant=world.tenant, pk__gt=last_email).delete()


def build_qbrs(world: TenantWorld) -> None:
    """Reporting (E): business reviews made through their services, as a program leader."""
    leader = world.members[Role.PROGRAM_LEADER]
    last_notification = Notification.objects.aggregate(n=Max("pk"))["n"] or 0
    last_email = EmailOutbox.objects.aggregate(n=Max("pk"))["n"] or 0
    last = qbr_services.quarter_of(world.tenant, timezone.localdate()).start - timedelta(days=1)
    before = qbr_services.quarter_of(world.tenant, last).start - timedelta(days=1)
    for partner, rep, suffix in (
        (world.partner, world.members[Role.PARTNER_REP], ""),
        (world.other_partner, world.other_partner_rep, "other_"),
    ):
        final = qbr_services.qbr_open(actor=leader, partner=partner, day=before)
        final = qbr_services.qbr_finalise(actor=leader, qbr=final, held_on=timezone.localdate())
        draft = qbr_services.qbr_open(actor=leader, partner=partner, day=last)
        item = qbr_services.action_item_add(
            actor=leader, qbr=draft, title="Certify two reps", owner=rep,
            due_on=timezone.localdate() + timedelta(days=30),
        )  # fmt: skip
        draft = qbr_services.qbr_share(actor=leader, qbr=draft)
        qbr_services.qbr_comment_add(actor=leader, qbr=draft, body="Please check the pipeline.")
        setattr(world, f"{suffix}final_qbr", final)
        setattr(world, f"{suffix}qbr", draft)
        setattr(world, f"{suffix}qbr_action", item)
    # What the services told the partners' admins and the CAM is not the world's: tests of the
    # notifications count one per member (`notifications`) and no email.
    Notification.objects.filter(tenant=world.tenant, pk__gt=last_notification).delete()
    EmailOutbox.objects.filter(tenant=world.tenant, pk__gt=last_email).delete()


def build_surveys(world: TenantWorld, slug: str) -> None:
    """PSAT: a named survey after deal decisions, open requests and one answer, as rows."""
    tenant, now = world.tenant, timezone.now()
    world.survey = Survey.objects.create(
        tenant=tenant, name=f"{slug} deal survey", trigger="deals.decision",
        question_1="What should we improve?", comment_prompt="Anything else?",
    )  # fmt: skip

    def ask(member: Membership) -> SurveyRequest:
        return SurveyRequest.objects.create(
            tenant=tenant, survey=world.survey, membership=member, partner_id=member.partner_id,
            occasion="world", nonce=new_nonce(), asked_at=now,
        )  # fmt: skip

    for role in (Role.PARTNER_ADMIN, Role.PARTNER_REP):
        member = world.members[role]
        world.survey_requests[member.user_id] = ask(member)
    assert world.other_partner_rep is not None
    world.other_survey_request = ask(world.other_partner_rep)
    SurveyAnswer.objects.create(
        tenant=tenant, survey=world.survey, partner=world.partner,
        answered_on=timezone.localdate(), score=8, comment=f"{slug} says fine",
    )  # fmt: skip


def build_alerts(world: TenantWorld) -> None:
    """Reporting (C): an alert rule and two open alerts, as rows (the sweep's own tests run
    it; the world's members get no notification from these)."""
    now = timezone.now()
    today = timezone.localdate()
    world.alert_rule = AlertRule.objects.create(
        tenant=world.tenant, name="Fewer than 1,000 registrations this year",
        metric="deals.registered", scope=AlertRule.Scope.PARTNER,
        comparison=AlertRule.Comparison.BELOW, threshold=Decimal(1000),
        window=AlertRule.Window.YEAR, owner=AlertRule.Owner.CAMS,
    )  # fmt: skip
    cam = world.members[Role.CAM]
    for attr, partner, owners in (
        ("alert", world.partner, [cam.pk]),
        ("other_alert", world.other_partner, []),
    ):
        alert = Alert.objects.create(
            tenant=world.tenant, rule=world.alert_rule, subject_key=f"partner:{partner.pk}",
            partner=partner, subject_label=partner.name, value=Decimal(1),
            threshold=Decimal(1000), period_start=today.replace(month=1, day=1),
            period_end=today, opened_at=now, last_evaluated_at=now, swept_at=now,
            owner_ids=owners, notified_on=today, sweep=uuid.uuid4(),
        )  # fmt: skip
        AlertEvent.objects.create(
            tenant=world.tenant, alert=alert, kind=AlertEvent.Kind.FIRED, at=now, value=1
        )
        setattr(world, attr, alert)


def build_commissions(world: TenantWorld, slug: str) -> None:
    """The plan, won deals and their lines, statements, disputes and incentives (see
    `TenantWorld`)."""
    tenant = world.tenant
    rep, other_rep = world.members[Role.PARTNER_REP], world.other_partner_rep
    admin, other_admin = world.members[Role.PARTNER_ADMIN], world.other_partner_admin
    assert other_rep is not None
    assert other_admin is not None
    world.commission_settings = commission_settings(tenant)
    # Partner A is a reseller (its rate); it is in no tier (the world's tier proposal moves it).
    world.partner.partner_type = world.partner_type
    world.partner.save(update_fields=["partner_type"])
    world.commission_plan, world.plan_version = commission_rows.plan_rows(
        tenant,
        partner_type=world.partner_type,
        tier=world.tier,
        product=world.product,
        default_rate=Decimal("5"),
    )
    world.draft_version = PlanVersion.objects.create(
        tenant=tenant,
        plan=world.commission_plan,
        number=2,
        effective_from=timezone.localdate() + timedelta(days=30),
        currency=tenant.default_currency,
        default_rate=8,
    )
    world.won_deal = commission_rows.won_deal_row(world.partner, rep)
    world.other_won_deal = commission_rows.won_deal_row(world.other_partner, other_rep)
    world.line = deal_accrue(deal=world.won_deal, revision=1, actor=None)
    world.other_line = deal_accrue(deal=world.other_won_deal, revision=1, actor=None)
    last_month = month_of(timezone.localdate().replace(day=1) - timedelta(days=1))
    earlier = last_month.end - timedelta(days=3)
    world.statement = commission_rows.statement_row(
        world.partner,
        last_month,
        [commission_rows.line_row(world.partner, "1200", earned_on=earlier)],
        status=Statement.Status.APPROVED,
    )
    world.other_statement = commission_rows.statement_row(
        world.other_partner,
        last_month,
        [commission_rows.line_row(world.other_partner, "800", earned_on=earlier)],
        status=Statement.Status.APPROVED,
    )
    world.payout_batch = commission_rows.payout_batch_row(
        tenant, tenant.default_currency, [world.statement]
    )
    world.statement.refresh_from_db()
    assert world.line is not None
    assert world.other_line is not None
    world.dispute = commission_rows.dispute_row(world.line, admin)
    world.other_dispute = commission_rows.dispute_row(world.other_line, other_admin)
    world.spif = commission_rows.spif_row(tenant, f"{slug} SPIF")
    world.spif_award = commission_rows.spif_award_row(world.spif, world.partner, world.won_deal)
    world.other_spif_award = commission_rows.spif_award_row(
        world.spif, world.other_partner, world.other_won_deal
    )
    world.tier_bonus = commission_rows.tier_bonus_row(tenant, f"{slug} top sellers")
    world.reward = commission_rows.reward_row(world.partner)
    world.other_reward = commission_rows.reward_row(world.other_partner)


def build_jobs(world: TenantWorld, slug: str) -> None:
    """A finished job of the tests' kind, started by partner operations (see `TenantWorld`)."""
    now = timezone.now()
    world.job = Job(
        tenant=world.tenant,
        kind=jobkinds.KIND,
        label=f"Count three items of {slug}",
        status=Job.Status.DONE,
        params={"items": ["a", "b", "c"], "fail": ["c"], "attach": True},
        total=3,
        done=2,
        failed=1,
        failures=[{"item": "c", "message": "Item c is refused"}],
        created_by=world.members[Role.PARTNER_OPS].user,
        started_at=now,
        finished_at=now,
        heartbeat_at=now,
        result_name="counted items.csv",
    )
    world.job.result.save(f"jobs/{slug}/counted.csv", ContentFile(b"item\na\nb\nc\n"), save=False)
    world.job.save()


def build_mdf(world: TenantWorld, slug: str) -> None:
    """A fund, both partners' allocations, requests and claims (see `TenantWorld`)."""
    tenant = world.tenant
    rep, other_rep = world.members[Role.PARTNER_REP], world.other_partner_rep
    world.mdf_settings = mdf_settings(tenant)
    world.mdf_settings.reps_may_request = True
    world.mdf_settings.save(update_fields=["reps_may_request"])
    world.fund = mdf_rows.fund_row(tenant, f"{slug} Q fund")
    world.fund_question = world.fund.questions.get()
    world.allocation = mdf_rows.allocation_row(world.fund, world.partner)
    world.other_allocation = mdf_rows.allocation_row(world.fund, world.other_partner)
    world.mdf_request = mdf_rows.request_row(world.allocation, rep)
    world.other_mdf_request = mdf_rows.request_row(world.other_allocation, other_rep)
    approved = MdfRequest.Status.APPROVED
    world.funded_request = mdf_rows.request_row(world.allocation, rep, status=approved)
    world.other_funded_request = mdf_rows.request_row(
        world.other_allocation, other_rep, status=approved
    )
    world.claim = mdf_rows.claim_row(world.funded_request, rep)
    world.other_claim = mdf_rows.claim_row(world.other_funded_request, other_rep)
    world.proof = world.claim.proofs.get()
    world.other_proof = world.other_claim.proofs.get()
    paid_for = mdf_rows.request_row(world.allocation, rep, status=approved, amount="2000")
    world.due_claim = mdf_rows.claim_row(paid_for, rep, status=Claim.Status.APPROVED)
    world.payment_batch = PaymentBatch.objects.create(
        tenant=tenant,
        number=next_number(tenant, "last_batch_number"),
        currency=world.fund.currency,
        created_by=world.members[Role.PARTNER_OPS].user,
    )
    Claim.objects.filter(pk=world.due_claim.pk).update(batch=world.payment_batch)
    world.due_claim.batch = world.payment_batch


def build_deals(world: TenantWorld, slug: str) -> None:
    """Registrations, an extension request, leads and the deal settings of the world.

    Written as rows, not through the services: every test builds two worlds, and the services'
    conflict checks, audits and notifications would triple what a world costs to build.
    """
    tenant = world.tenant
    rep = world.members[Role.PARTNER_REP]
    now = timezone.now()
    world.deal_settings = deal_settings_for(tenant)
    world.product = ProductFactory(tenant=tenant, name=f"{slug} product")
    world.reject_reason = RejectReasonFactory(tenant=tenant, label=f"{slug} reason")
    world.protected_account = ProtectedAccountFactory(tenant=tenant, name=f"{slug} direct")
    waiting = {
        "status": Deal.Status.SUBMITTED,
        "holds_claim": True,
        "submitted_at": now,
        "sla_due_at": now + timedelta(days=2),
        "products": [world.product],
    }
    world.deal = DealFactory(partner=world.partner, owner=rep, **waiting)
    world.other_deal = DealFactory(
        partner=world.other_partner, owner=world.other_partner_rep, **waiting
    )
    world.approved_deal = DealFactory(
        partner=world.partner,
        owner=rep,
        **{**waiting, "status": Deal.Status.APPROVED},
        approved_at=now,
        expires_at=now + timedelta(days=90),
    )
    world.extension = DealExtension.objects.create(
        tenant=tenant,
        deal=world.approved_deal,
        requested_by=rep.user,
        days=10,
        reason="Budget approval moved",
    )
    world.attachment = attachment_row(world.deal, rep, f"{slug}-quote.pdf")
    world.other_attachment = attachment_row(
        world.other_deal, world.other_partner_rep, f"{slug}-other-quote.pdf"
    )
    DealComment.objects.create(
        tenant=tenant, deal=world.deal, author=rep, body="Any news on this one?"
    )
    respond_by = now + timedelta(days=5)
    world.lead = LeadFactory(
        tenant=tenant, partner=world.partner, status=Lead.Status.ASSIGNED, respond_by=respond_by
    )
    world.other_lead = LeadFactory(
        tenant=tenant,
        partner=world.other_partner,
        status=Lead.Status.ASSIGNED,
        respond_by=respond_by,
    )


def build_training(world: TenantWorld, slug: str) -> None:
    """A published course for every partner (a text, a video and a file module), partner A's
    rep part-way through it, and a course for a segment partner A is not in. Rows, not
    services, for the same reason as `build_deals`."""
    tenant = world.tenant
    rep = world.members[Role.PARTNER_REP]
    now = timezone.now()
    world.course, world.course_modules = published_course_rows(tenant, f"{slug} course")
    world.course.cover.save("cover.png", logo_png(slug[:2].upper(), "#234567", "#bcdef0"))
    version = world.course.current_version
    world.enrolment = Enrolment.objects.create(
        tenant=tenant,
        course=world.course,
        version=version,
        membership=rep,
        started_at=now,
        last_module=world.course_modules["text"],
        completed_modules=1,
        minutes_done=world.course_modules["text"].minutes,
    )
    ModuleCompletion.objects.create(
        tenant=tenant,
        enrolment=world.enrolment,
        module=world.course_modules["text"],
        completed_at=now,
    )
    elsewhere = Segment.objects.create(tenant=tenant, name="Asia-Pacific", regions=["apac"])
    world.other_course, other_modules = published_course_rows(
        tenant, f"{slug} APAC course", segments=[elsewhere]
    )
    world.other_course_module = other_modules["file"]
    world.other_course.cover.save("cover.png", logo_png("AP", "#234567", "#bcdef0"))


def build_paths(world: TenantWorld, slug: str) -> None:
    """A path for every partner with the world's course, its certification held by partner A's
    rep and by partner B's rep, and a path for the APAC segment (rows)."""
    tenant = world.tenant
    now = timezone.now()
    world.path = LearningPath.objects.create(
        tenant=tenant,
        title=f"{slug} path",
        status=LearningPath.Status.PUBLISHED,
        published_at=now,
    )
    PathCourse.objects.create(tenant=tenant, path=world.path, course=world.course, position=1)
    world.other_path = LearningPath.objects.create(
        tenant=tenant,
        title=f"{slug} APAC path",
        status=LearningPath.Status.PUBLISHED,
        published_at=now,
    )
    world.other_path.segments.set(world.other_course.segments.all())
    PathCourse.objects.create(
        tenant=tenant, path=world.other_path, course=world.other_course, position=1
    )
    world.certification = Certification.objects.create(
        tenant=tenant, name=f"{slug} certified", path=world.path, validity_months=12
    )
    world.award, world.other_award = (
        CertificationAward.objects.create(
            tenant=tenant,
            certification=world.certification,
            membership=member,
            partner=member.partner,
            earned_at=now,
            expires_at=now + timedelta(days=365),
        )
        for member in (world.members[Role.PARTNER_REP], world.other_partner_rep)
    )


def build_library(world: TenantWorld, slug: str) -> None:
    """Three published PDF assets: for every partner, for the APAC segment (partner A is not
    in it), and for partner A by name (a guardian grant). Rows, as `build_training`."""
    tenant = world.tenant
    apac = Segment.objects.get(tenant=tenant, name="Asia-Pacific")

    def asset(title: str) -> Asset:
        row = Asset(
            tenant=tenant,
            title=title,
            description="Partner playbook",
            type="playbook",
            status=Asset.Status.PUBLISHED,
            file_name="asset.pdf",
            content_type="application/pdf",
            size=len(SMALL_PDF),
            tags=["region:emea"],
            tag_words="Europe",
        )
        row.file.save("asset.pdf", ContentFile(SMALL_PDF), save=False)
        row.save()
        return row

    world.asset = asset(f"{slug} asset")
    world.other_asset = asset(f"{slug} APAC asset")
    world.other_asset.segments.set([apac])
    world.named_asset = asset(f"{slug} named asset")
    grant_asset(world.partner, world.named_asset)
    asset_search_refresh(Asset.objects.filter(tenant=tenant))


def published_course_rows(
    tenant: Tenant, title: str, segments: list[Segment] | None = None
) -> tuple[Course, dict[str, VersionModule]]:
    """A course with a text, a video and a file module, published as version 1 (rows)."""
    course = Course.objects.create(
        tenant=tenant,
        title=title,
        summary="What every partner needs to know.",
        status=Course.Status.PUBLISHED,
        has_changes=False,
    )
    course.segments.set(segments or [])
    version = CourseVersion.objects.create(
        tenant=tenant,
        course=course,
        number=1,
        title=title,
        summary=course.summary,
        estimated_minutes=course.estimated_minutes,
        published_at=timezone.now(),
    )
    contents = {
        "text": {"body_html": "<p>Register early.</p>"},
        "video": {"video_url": "https://youtu.be/aqz-KE-bpKQ"},
        "file": {
            "file_name": "playbook.pdf",
            "content_type": "application/pdf",
            "size": len(SMALL_PDF),
        },
    }
    published = {}
    for position, (kind, content) in enumerate(contents.items(), start=1):
        module = Module(
            tenant=tenant, course=course, position=position, title=f"{kind} module", kind=kind
        )
        for name, value in content.items():
            setattr(module, name, value)
        if kind == "file":
            module.file.save("playbook.pdf", ContentFile(SMALL_PDF), save=False)
        module.save()
        published[kind] = VersionModule.objects.create(
            tenant=tenant,
            version=version,
            position=position,
            source=module,
            title=module.title,
            kind=kind,
            body_html=module.body_html,
            video_url=module.video_url,
            file=module.file.name,
            file_name=module.file_name,
            content_type=module.content_type,
            size=module.size,
        )
    version.module_count = len(published)
    version.module_minutes = sum(m.minutes for m in published.values())
    version.save(update_fields=["module_count", "module_minutes"])
    course.current_version = version
    course.save(update_fields=["current_version"])
    return course, published


def build_quiz(world: TenantWorld, slug: str) -> None:
    """A quiz course for every partner with partner A's rep's failed attempt, and a quiz course
    for a segment partner A is not in (rows, as `build_training`)."""
    tenant = world.tenant
    rep = world.members[Role.PARTNER_REP]
    now = timezone.now()
    world.quiz_course, world.quiz_module = published_quiz_rows(tenant, f"{slug} quiz course")
    questions = list(VersionQuestion.objects.filter(module=world.quiz_module).order_by("position"))
    paper = [{"q": q.pk, "c": [c.pk for c in q.choices.all()]} for q in questions]
    # partner A's admin too, so that each member who may take it has an attempt 1 to open
    for member in (rep, world.members[Role.PARTNER_ADMIN]):
        enrolment = Enrolment.objects.create(
            tenant=tenant,
            course=world.quiz_course,
            version=world.quiz_course.current_version,
            membership=member,
            started_at=now,
        )
        attempt = Attempt.objects.create(
            tenant=tenant,
            enrolment=enrolment,
            module=world.quiz_module,
            number=1,
            started_at=now,
            submitted_at=now,
            paper=paper,
            answers={str(item["q"]): [item["c"][-1]] for item in paper},
            score=0,
            passed=False,
            pass_mark=world.quiz_module.pass_mark,
        )
        if member == rep:
            world.quiz_attempt = attempt
    world.training_settings = TrainingSettings.objects.get_or_create(tenant=tenant)[0]
    elsewhere = Segment.objects.get(tenant=tenant, name="Asia-Pacific")
    world.other_quiz_course, world.other_quiz_module = published_quiz_rows(
        tenant, f"{slug} APAC quiz course", segments=[elsewhere]
    )


#: a small quiz: (kind, text, [(choice, right)]) — every kind of question
QUIZ_QUESTIONS = [
    ("single", "When do you register a deal?", [("Before the first proposal", True),
                                                ("After the contract is signed", False),
                                                ("Never", False)]),
    ("multiple", "What protects your deal?", [("A registration", True), ("Being first", True),
                                              ("A discount", False)]),
    ("true_false", "A registration holds forever.", [("True", False), ("False", True)]),
]  # fmt: skip


def published_quiz_rows(
    tenant: Tenant,
    title: str,
    segments: list[Segment] | None = None,
    questions: list[tuple[str, str, list[tuple[str, bool]]]] | None = None,
    **rules: Any,
) -> tuple[Course, VersionModule]:
    """A course with a text module and a quiz module (`QUIZ_QUESTIONS` by default; no attempts
    limit, no wait, nothing shuffled unless `rules` say so), drafted and published as version 1
    (rows)."""
    rules = {"attempts_limit": 0, "wait_minutes": 0, "pass_mark": 60} | rules
    course = Course.objects.create(
        tenant=tenant, title=title, summary="Check what you know.",
        status=Course.Status.PUBLISHED, has_changes=False,
    )  # fmt: skip
    course.segments.set(segments or [])
    version = CourseVersion.objects.create(
        tenant=tenant, course=course, number=1, title=title, summary=course.summary,
        estimated_minutes=course.estimated_minutes, published_at=timezone.now(),
        module_count=2, module_minutes=10,
    )  # fmt: skip
    text = Module.objects.create(
        tenant=tenant, course=course, position=1, title="Before the quiz", kind="text",
        body_html="<p>Register early.</p>",
    )  # fmt: skip
    VersionModule.objects.create(
        tenant=tenant, version=version, position=1, source=text, title=text.title, kind="text",
        body_html=text.body_html,
    )  # fmt: skip
    quiz = Module.objects.create(
        tenant=tenant, course=course, position=2, title="Check your knowledge", kind="quiz",
        **rules,
    )  # fmt: skip
    published = VersionModule.objects.create(
        tenant=tenant, version=version, position=2, source=quiz, title=quiz.title, kind="quiz",
        **rules,
    )  # fmt: skip
    for position, (kind, text_, choices) in enumerate(questions or QUIZ_QUESTIONS, start=1):
        draft = Question.objects.create(
            tenant=tenant, module=quiz, kind=kind, text=text_, position=position,
            explanation=f"Because of rule {position}.",
        )  # fmt: skip
        copied = VersionQuestion.objects.create(
            tenant=tenant, module=published, source=draft, kind=kind, text=text_,
            position=position, explanation=draft.explanation,
        )  # fmt: skip
        for index, (label, right) in enumerate(choices, start=1):
            Choice.objects.create(
                tenant=tenant, question=draft, text=label, is_correct=right, position=index
            )
            VersionChoice.objects.create(
                tenant=tenant, question=copied, text=label, is_correct=right, position=index
            )
    course.current_version = version
    course.save(update_fields=["current_version"])
    return course, published


#: a one-page PDF small enough to write as bytes (what the content check needs to see)
SMALL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n"


def attachment_row(deal: Deal, by: Membership, name: str) -> DealAttachment:
    """A PDF attached to `deal` by `by`, stored in private storage as the service stores it."""
    attachment = DealAttachment(
        tenant=deal.tenant,
        deal=deal,
        kind=DealAttachment.Kind.QUOTE,
        name=name,
        content_type="application/pdf",
        size=len(SMALL_PDF),
        uploaded_by=by,
    )
    attachment.file.save(name, ContentFile(SMALL_PDF), save=False)
    attachment.save()
    return attachment


def delete_with_dependents(rows: Any) -> None:
    """Delete a queryset's rows, first deleting the rows that protect them (`PROTECT`), then
    theirs, and so on: a fixture clearing the world's deals clears the ledger lines of higher
    apps that name them without naming those apps."""
    model = rows.model
    relations = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]
    for relation in relations:
        if relation.on_delete is PROTECT and relation.related_model is not model:
            delete_with_dependents(
                relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": rows})
            )
        elif relation.on_delete is PROTECT:  # a self-reference (a reversal names its line)
            model._base_manager.filter(**{f"{relation.field.name}__in": rows}).update(
                **{relation.field.name: None}
            )
    rows.delete()


class WorldStore:
    """Both worlds, built once and committed; each test gets fresh copies of their instances.

    `unblock` is pytest-django's `django_db_blocker.unblock`: the store builds outside any test,
    between tests (the root conftest asks for it before a test's fixtures are set up), because a
    world built inside a test's transaction would vanish with the test's rollback.
    """

    SLUGS = ("ours", "theirs")

    def __init__(self, unblock: Callable[[], AbstractContextManager[None]]) -> None:
        self._unblock = unblock
        self._worlds: dict[str, TenantWorld] | None = None
        #: how many times the worlds were built (read by tests/test_worlds.py)
        self.builds = 0

    def ensure(self) -> dict[str, TenantWorld]:
        """Build and commit the worlds unless they are built."""
        if self._worlds is None:
            with self._unblock():
                if connection.in_atomic_block:
                    raise RuntimeError("the shared worlds are built between tests, not inside one")
                with transaction.atomic():
                    self._worlds = {slug: build_world(slug) for slug in self.SLUGS}
            self.builds += 1
        return self._worlds

    def world(self, slug: str) -> TenantWorld:
        """A deep copy of the world, so that what a test does to the instances stays its own."""
        return copy.deepcopy(self.ensure()[slug])

    def invalidate(self) -> None:
        """Forget the worlds: the database was flushed (after a transactional test)."""
        self._worlds = None


class HostClient(Client):
    """A test client that talks to one host, as a browser on that host would."""

    def __init__(self, host: str, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(HTTP_HOST=host, **kwargs)
        self.host = host


def api_client_for(world: TenantWorld, token: str | None = None) -> HostClient:
    """A client on the world's host that sends `token` (the world's all-scopes key by default)
    as its API key."""
    return HostClient(world.host, HTTP_AUTHORIZATION=f"Bearer {token or world.api_tokens['all']}")


def api_token_with(world: TenantWorld, scopes: dict[str, str]) -> str:
    """The whole key of a new key of the world's with these scopes ({"deals": "read"})."""
    with scope(tenant=world.tenant):
        made = api_key_create(
            actor=world.members[Role.PROGRAM_LEADER], name=f"Key {sorted(scopes)}", scopes=scopes
        )
    return made.token


def host_client_for(host: str, membership: Membership | None = None) -> HostClient:
    """A client on `host`, logged in as `membership`'s user when one is given."""
    client = HostClient(host)
    if membership is not None:
        client.force_login(membership.user)
    return client
