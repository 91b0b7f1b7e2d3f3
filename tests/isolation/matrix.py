"""The isolation matrix: every URL of a tenant host, what it needs, and which object it shows.

`tests/isolation/test_matrix.py` turns each case into requests by every role, by anonymous, by
the other tenant's members and by the other partner's users. `test_meta.py` fails when a URL
pattern exists that this file does not list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commissions.models import (
    CommissionSettings,
    Dispute,
    Line,
    PayoutBatch,
    Plan,
    Reward,
    SpifCampaign,
    Statement,
    TierBonusRule,
)
from deals.models import Deal, DealSettings, Lead, Product, ProtectedAccount, RejectReason
from mdf.models import Claim, Fund, MdfRequest, MdfSettings, PaymentBatch
from partners.models import (
    AgreementAcceptance,
    AgreementVersion,
    Application,
    BusinessPlan,
    OnboardingPlan,
    Partner,
    PartnerOnboarding,
    PartnerSettings,
    PartnerType,
    ProfileCriterion,
    RecruitmentSettings,
    RulesOfEngagement,
    Segment,
    Survey,
    Tier,
    TierProposal,
)
from partners.surveys.tokens import survey_token
from prm.accounts.models import Invitation
from prm.accounts.tokens import invitation_token
from prm.audit.models import AuditEvent
from prm.csvio.admin import CsvExportMixin, CsvImportMixin
from prm.exchange.models import ExchangeRate
from prm.jobs.models import Job
from prm.notifications.models import EmailOutbox, RuleSetting
from prm.notifications.outbox import unsubscribe_token
from prm.tenancy.decorators import PUBLIC
from prm.tenancy.models import Membership, TenantSettings
from prm.tenancy.roles import Role
from prm.workspace.sites import tenant_admin_site
from reporting.models import Alert, AlertRule, Qbr, QbrActionItem
from training.models import (
    Asset,
    Certification,
    Course,
    Enrolment,
    LearningPath,
    TrainingSettings,
)

Kwargs = Callable[[Any], dict[str, Any]]


def _none(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    name: str
    #: the member needs one of these capabilities (or PUBLIC)
    capabilities: tuple[str, ...]
    kwargs: Kwargs = _none
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    #: the URL names an object: other tenants' ids must answer 404
    object_url: bool = False
    #: the same URL pointing at the other partner company's object (partner-scoped pages)
    other_partner_kwargs: Kwargs | None = None
    #: statuses that mean "served" for a member who may use it
    ok: frozenset[int] = frozenset({200, 302})
    #: for URLs of the member's own objects: kwargs from (world, membership), used instead
    member_kwargs: Callable[[Any, Any], dict[str, Any]] | None = None

    def kwargs_for(self, world: Any, membership: Any) -> dict[str, Any]:
        if self.member_kwargs is not None:
            return self.member_kwargs(world, membership)
        return self.kwargs(world)

    @property
    def public(self) -> bool:
        return self.capabilities == (PUBLIC,)

    def __str__(self) -> str:
        return self.name


def _pk(obj_of: Callable[[Any], Any]) -> Kwargs:
    return lambda w: {"pk": obj_of(w).pk}


def _plan_year(world: Any) -> dict[str, Any]:
    return {"year": world.plan.year}


def _plan_part(name: str, capability: str, part: str, method: str = "get") -> Case:
    """A page of partner A's plan goal or milestone (`part`); B's answers 404 to A's users."""
    return Case(
        name,
        (capability,),
        kwargs=_pk(lambda w: getattr(w, f"plan_{part}")),
        method=method,
        object_url=True,
        other_partner_kwargs=_pk(lambda w: getattr(w, f"other_plan_{part}")),
    )


PLAN_CASES = [
    Case("partners:plan", ("portal.access",), kwargs=_plan_year),
    # Next year's plan does not exist yet: partner admins create it.
    Case("partners:plan_create", ("portal.plan.edit",), kwargs=lambda w: {"year": w.plan.year + 1}),
    Case("partners:plan_edit", ("portal.plan.edit",), kwargs=_plan_year),
    Case("partners:plan_goal_add", ("portal.plan.edit",), kwargs=_plan_year),
    Case("partners:plan_milestone_add", ("portal.plan.edit",), kwargs=_plan_year),
    _plan_part("partners:plan_goal_edit", "portal.plan.edit", "goal"),
    _plan_part("partners:plan_goal_delete", "portal.plan.edit", "goal", "post"),
    _plan_part("partners:plan_milestone_edit", "portal.plan.edit", "milestone"),
    _plan_part("partners:plan_milestone_delete", "portal.plan.edit", "milestone", "post"),
    # Any partner user may try: the rep owns the world's milestone, the admin edits the plan.
    _plan_part("partners:plan_milestone_done", "portal.access", "milestone", "post"),
    _plan_part("partners:plan_milestone_reopen", "portal.access", "milestone", "post"),
]


PORTAL_CASES = [
    Case("portal:home", ("portal.access",)),
    Case("portal:my_portals", ("account.self",)),
    Case("portal:logo", (PUBLIC,)),
    Case("portal:colours", (PUBLIC,)),
    Case(
        "accounts:invitation_accept",
        (PUBLIC,),
        kwargs=lambda w: {"token": invitation_token(w.partner_invitation)},
        object_url=True,
    ),
    Case("accounts:team", ("portal.team.manage",)),
    Case("partners:agreement", ("portal.access",)),
    Case("partners:program", ("portal.access",)),
    # The company pages are the member's own company's: no id in the URL to reach another.
    Case("partners:company", ("portal.access",)),
    Case("partners:company_edit", ("portal.company.edit",)),
    Case("partners:company_edit", ("portal.company.edit",), method="post"),
    Case("partners:company_logo", ("portal.access",)),
    Case("partners:rules", ("portal.access",)),
    Case("recruitment:apply", (PUBLIC,)),
    Case("recruitment:thanks", (PUBLIC,)),
    Case(
        "accounts:team_invitation_revoke",
        ("portal.team.manage",),
        method="post",
        kwargs=_pk(lambda w: w.partner_invitation),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_partner_invitation),
    ),
    Case(
        "accounts:team_invitation_resend",
        ("portal.team.manage",),
        method="post",
        kwargs=_pk(lambda w: w.partner_invitation),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_partner_invitation),
    ),
    Case(
        "accounts:team_member_role",
        ("portal.team.manage",),
        method="post",
        data={"role": Role.PARTNER_ADMIN},
        kwargs=_pk(lambda w: w.members[Role.PARTNER_REP]),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_partner_rep),
    ),
    Case(
        "accounts:team_member_deactivate",
        ("portal.team.manage",),
        kwargs=_pk(lambda w: w.members[Role.PARTNER_REP]),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_partner_rep),
    ),
]

NOTIFICATION_CASES = [
    Case("notifications:list", ("account.self",)),
    Case("notifications:count", ("account.self",)),
    Case(
        "notifications:open",
        ("account.self",),
        object_url=True,
        member_kwargs=lambda w, m: {"pk": w.notifications[m.user_id].pk},
        # another member's notification, same tenant and partner
        other_partner_kwargs=lambda w: {"pk": w.notifications[w.other_partner_rep.user_id].pk},
    ),
    Case("notifications:read_all", ("account.self",), method="post"),
    Case("notifications:preferences", ("account.self",)),
    Case(
        "notifications:unsubscribe",
        (PUBLIC,),
        method="post",
        object_url=True,
        kwargs=lambda w: {
            "token": unsubscribe_token(
                tenant=w.tenant, user=w.members[Role.PARTNER_REP].user, category="account"
            )
        },
    ),
]

AUTH_CASES = [
    Case("account_login", (PUBLIC,)),
    Case("account_signup", (PUBLIC,)),
    Case("account_logout", (PUBLIC,)),
    Case("account_inactive", (PUBLIC,)),
    Case("account_email_verification_sent", (PUBLIC,)),
    Case("account_confirm_email", (PUBLIC,), kwargs=lambda w: {"key": "not-a-key"}),
    Case("account_reset_password", (PUBLIC,)),
    Case("account_reset_password_done", (PUBLIC,)),
    Case(
        "account_reset_password_from_key",
        (PUBLIC,),
        kwargs=lambda w: {"uidb36": "zz", "key": "not-a-key"},
    ),
    Case("account_reset_password_from_key_done", (PUBLIC,)),
    Case("mfa_authenticate", (PUBLIC,)),
    Case("account_change_password", ("account.self",)),
    Case("account_reauthenticate", ("account.self",)),
    Case("mfa_index", ("account.self",)),
    Case("mfa_reauthenticate", ("account.self",)),
    Case("mfa_activate_totp", ("account.self",)),
    # These answer 404 while the member has no authenticator: there is nothing to show yet.
    Case("mfa_deactivate_totp", ("account.self",), ok=frozenset({200, 302, 404})),
    Case("mfa_view_recovery_codes", ("account.self",), ok=frozenset({200, 302, 404})),
    Case("mfa_generate_recovery_codes", ("account.self",)),
    Case("mfa_download_recovery_codes", ("account.self",), ok=frozenset({200, 302, 404})),
]

ADMIN_SITE_CASES = [
    Case("admin:index", ("admin.access",)),
    Case("admin:login", (PUBLIC,)),
    Case("admin:logout", (PUBLIC,)),
    Case("admin:password_change", ("admin.access",)),
    Case("admin:jsi18n", ("admin.access",)),
    Case("admin:notifications", ("admin.access",)),
    Case("admin:app_list", ("partners.view",), kwargs=lambda w: {"app_label": "partners"}),
]

#: For each model on the tenant admin site: which object of a world its object URLs open.
ADMIN_OBJECTS: dict[type, Callable[[Any], Any]] = {
    # Jobs: background jobs (the model admin gives the menu entry; its pages redirect)
    Job: lambda w: w.job,
    TenantSettings: lambda w: w.tenant,
    Membership: lambda w: w.members[Role.PARTNER_REP],
    Invitation: lambda w: w.partner_invitation,
    Partner: lambda w: w.partner,
    PartnerType: lambda w: w.partner_type,
    PartnerSettings: lambda w: w.partner_settings,
    RulesOfEngagement: lambda w: w.rules_of_engagement,
    Segment: lambda w: w.segment,
    Tier: lambda w: w.tier,
    TierProposal: lambda w: w.tier_proposal,
    AgreementVersion: lambda w: w.agreement,
    AgreementAcceptance: lambda w: w.acceptance,
    OnboardingPlan: lambda w: w.onboarding_plan,
    PartnerOnboarding: lambda w: w.onboarding,
    AuditEvent: lambda w: w.audit_event,
    RuleSetting: lambda w: w.rule_setting,
    EmailOutbox: lambda w: w.outbox_row,
    Application: lambda w: w.application,
    ProfileCriterion: lambda w: w.criterion,
    RecruitmentSettings: lambda w: w.recruitment_settings,
    BusinessPlan: lambda w: w.plan,
    Deal: lambda w: w.deal,
    Lead: lambda w: w.lead,
    ProtectedAccount: lambda w: w.protected_account,
    Product: lambda w: w.product,
    RejectReason: lambda w: w.reject_reason,
    DealSettings: lambda w: w.deal_settings,
    Course: lambda w: w.course,
    # Training: the enrolments list behind the training metrics (read-only)
    Enrolment: lambda w: w.enrolment,
    LearningPath: lambda w: w.path,
    Certification: lambda w: w.certification,
    TrainingSettings: lambda w: w.training_settings,
    Asset: lambda w: w.asset,
    # MDF: review
    MdfRequest: lambda w: w.mdf_request,
    Claim: lambda w: w.claim,
    PaymentBatch: lambda w: w.payment_batch,
    # Exchange rates: the menu's entry (the list opens the rates page), a rate's read-only page
    ExchangeRate: lambda w: w.exchange_rate,
    # MDF: funds
    Fund: lambda w: w.fund,
    MdfSettings: lambda w: w.mdf_settings,
    # Commissions: D (disputes)
    Dispute: lambda w: w.dispute,
    # Commissions: incentives
    SpifCampaign: lambda w: w.spif,
    TierBonusRule: lambda w: w.tier_bonus,
    Reward: lambda w: w.reward,
    # Commissions: A (plans, ledger, settings)
    Plan: lambda w: w.commission_plan,
    Line: lambda w: w.line,
    CommissionSettings: lambda w: w.commission_settings,
    # Commissions: statements (part B)
    Statement: lambda w: w.statement,
    PayoutBatch: lambda w: w.payout_batch,
    # Reporting: C (alerts)
    AlertRule: lambda w: w.alert_rule,
    Alert: lambda w: w.alert,
    # Reporting: E (business reviews; their change pages open the editor)
    Qbr: lambda w: w.qbr,
    QbrActionItem: lambda w: w.qbr_action,
    # PSAT surveys
    Survey: lambda w: w.survey,
}


def _admin_model_cases() -> list[Case]:
    cases = []
    for model, model_admin in tenant_admin_site._registry.items():
        caps = model_admin.capabilities
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj_of = ADMIN_OBJECTS[model]

        def obj_kwargs(w: Any, obj_of: Callable[[Any], Any] = obj_of) -> dict[str, Any]:
            return {"object_id": obj_of(w).pk}

        def need(*actions: str, caps: dict[str, str] = caps) -> tuple[str, ...]:
            found = tuple(caps[a] for a in actions if a in caps)
            return found or ("nobody",)

        cases += [
            Case(f"{prefix}_changelist", need("view", "change")),
            Case(f"{prefix}_add", need("add")),
            Case(f"{prefix}_change", need("view", "change"), obj_kwargs, object_url=True),
            Case(f"{prefix}_history", need("view", "change"), obj_kwargs, object_url=True),
            Case(f"{prefix}_delete", need("delete"), obj_kwargs, object_url=True),
        ]
        # The CSV buttons (prm.csvio.admin), on whichever model admin has them.
        if isinstance(model_admin, CsvExportMixin):
            export = need("export") if "export" in caps else need("view", "change")
            cases.append(Case(f"{prefix}_export", export))
        if isinstance(model_admin, CsvImportMixin):
            imports = need("import") if "import" in caps else need("add")
            cases += [
                Case(f"{prefix}_import", imports),
                Case(f"{prefix}_import", imports, method="post"),
                Case(f"{prefix}_import_template", imports),
            ]
    return cases


MEMBERSHIP_ACTION_CASES = [
    # Managing a partner rep's membership needs members.partner.invite (see may_manage_member).
    Case(
        "admin:tenancy_membership_deactivate",
        ("members.partner.invite",),
        kwargs=lambda w: {"object_id": w.members[Role.PARTNER_REP].pk},
        object_url=True,
    ),
    Case(
        "admin:tenancy_membership_reactivate",
        ("members.partner.invite",),
        kwargs=lambda w: {"object_id": w.members[Role.PARTNER_REP].pk},
        object_url=True,
    ),
]


TIER_CASES = [
    Case(
        "admin:partners_tierproposal_decide",
        ("partners.view",),
        kwargs=lambda w: {"object_id": w.tier_proposal.pk},
        object_url=True,
    ),
]

APPLICATION_ACTION_CASES = [
    # GET shows the confirmation form; the matrix does not decide anything.
    Case(
        "admin:partners_application_approve",
        ("partners.recruit",),
        kwargs=lambda w: {"object_id": w.application.pk},
        object_url=True,
    ),
    Case(
        "admin:partners_application_decline",
        ("partners.recruit",),
        kwargs=lambda w: {"object_id": w.application.pk},
        object_url=True,
    ),
]

ONBOARDING_CASES = [
    Case(
        "admin:partners_partner_onboarding",
        ("partners.view",),
        kwargs=lambda w: {"partner_id": w.partner.pk},
        object_url=True,
    ),
    # GET shows the confirmation with its reason field; the matrix does not tick anything.
    *(
        Case(
            f"admin:partners_partner_onboarding_{action}",
            ("partners.onboarding.tick",),
            kwargs=lambda w: {"partner_id": w.partner.pk, "step_id": w.manual_step.pk},
            object_url=True,
        )
        for action in ("tick", "untick")
    ),
]

PARTNER_PAGE_CASES = [
    # The partner page and the logo the partner uploaded: a CAM reaches partner A (assigned),
    # not B (partners/tests/).
    *(
        Case(
            name,
            ("partners.view",),
            kwargs=lambda w: {"partner_id": w.partner.pk},
            object_url=True,
        )
        for name in ("admin:partners_partner_overview", "admin:partners_partner_logo")
    ),
]


def _deal_case(name: str, deal: str = "deal", method: str = "get", **extra: Any) -> Case:
    """A portal page of partner A's registration; partner B's answers 404 to A's users."""
    return Case(
        name,
        ("portal.deals",),
        kwargs=_pk(lambda w: getattr(w, deal)),
        method=method,
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_deal),
        **extra,
    )


def _lead_case(name: str, method: str = "get", **extra: Any) -> Case:
    return Case(
        name,
        ("portal.deals",),
        kwargs=_pk(lambda w: w.lead),
        method=method,
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_lead),
        **extra,
    )


DEAL_PORTAL_CASES = [
    Case("deals:list", ("portal.deals",)),
    Case("deals:create", ("portal.deals",)),
    Case("deals:precheck", ("portal.deals",), data={"customer_name": "ours customer"}),
    Case("deals:export", ("portal.deals",)),
    _deal_case("deals:detail"),
    _deal_case("deals:edit"),  # a submitted deal: sent back to its page with a message
    _deal_case("deals:submit", method="post"),  # refused with a message: already submitted
    _deal_case("deals:withdraw", method="post", data={"reason": "matrix"}),
    _deal_case("deals:won", deal="approved_deal"),
    _deal_case("deals:lost", deal="approved_deal"),
    _deal_case("deals:extend", deal="approved_deal"),
    # A file without its file: the page again with the error beside the field.
    _deal_case("deals:attachment_add", method="post", data={"kind": "quote"}),
    *(
        Case(
            name,
            ("portal.deals",),
            kwargs=lambda w: {"pk": w.deal.pk, "attachment_id": w.attachment.pk},
            object_url=True,
            other_partner_kwargs=lambda w: {
                "pk": w.other_deal.pk,
                "attachment_id": w.other_attachment.pk,
            },
        )
        # the download, and the delete's confirmation (the matrix deletes nothing)
        for name in ("deals:attachment", "deals:attachment_delete")
    ),
    _deal_case("deals:comment_add", method="post", data={"body": "Matrix question"}),
    Case("deals:leads", ("portal.deals",)),
    _lead_case("deals:lead"),
    _lead_case("deals:lead_accept", method="post"),
    _lead_case("deals:lead_decline", method="post", data={"reason": "spam"}),
]


# MDF: portal
def _mdf_case(name: str, obj: str, other: str, method: str = "get", **extra: Any) -> Case:
    """A portal page of partner A's MDF row; partner B's answers 404 to A's users."""
    return Case(
        name,
        ("portal.mdf",),
        kwargs=_pk(lambda w: getattr(w, obj)),
        method=method,
        object_url=True,
        other_partner_kwargs=_pk(lambda w: getattr(w, other)),
        **extra,
    )


MDF_PORTAL_CASES = [
    Case("mdf:funds", ("portal.mdf",)),
    Case(
        "mdf:request_new",
        ("portal.mdf",),
        kwargs=lambda w: {"fund": w.fund.pk},
        object_url=True,
    ),
    _mdf_case("mdf:request", "mdf_request", "other_mdf_request"),
    # a submitted request: sent back to its page with a message
    _mdf_case("mdf:request_edit", "mdf_request", "other_mdf_request"),
    _mdf_case("mdf:request_submit", "mdf_request", "other_mdf_request", method="post"),
    # GET shows the confirmation; the matrix withdraws nothing
    _mdf_case("mdf:request_withdraw", "mdf_request", "other_mdf_request"),
    Case(
        "mdf:claim_new",
        ("portal.mdf",),
        kwargs=lambda w: {"request": w.funded_request.pk},
        object_url=True,
        other_partner_kwargs=lambda w: {"request": w.other_funded_request.pk},
    ),
    _mdf_case("mdf:claim", "claim", "other_claim"),
    _mdf_case("mdf:claim_edit", "claim", "other_claim"),
    _mdf_case("mdf:claim_submit", "claim", "other_claim", method="post"),
    _mdf_case("mdf:proof", "proof", "other_proof"),
    # GET asks to confirm (a submitted claim's proof: sent back with a message)
    _mdf_case("mdf:proof_delete", "proof", "other_proof"),
]


DEAL_ADMIN_CASES = [
    # GET shows the form; an empty POST to approve would approve, so the matrix only looks.
    *(
        Case(
            f"admin:deals_deal_{action}",
            ("deals.approve",),
            kwargs=lambda w: {"object_id": w.deal.pk},
            object_url=True,
        )
        for action in ("approve", "reject", "request_info")
    ),
    # GET shows the form of an approved registration; the matrix does not close it.
    *(
        Case(
            f"admin:deals_deal_{outcome}",
            ("deals.approve",),
            kwargs=lambda w: {"object_id": w.approved_deal.pk},
            object_url=True,
        )
        for outcome in ("won", "lost")
    ),
    # GET shows the form of a won deal; the matrix does not change it.
    *(
        Case(
            f"admin:deals_deal_{correction}",
            ("deals.approve",),
            kwargs=lambda w: {"object_id": w.won_deal.pk},
            object_url=True,
        )
        for correction in ("amount", "reopen")
    ),
    Case(
        "admin:deals_deal_extension",
        ("deals.approve",),
        kwargs=lambda w: {"object_id": w.approved_deal.pk, "extension_id": w.extension.pk},
        object_url=True,
    ),
    Case(
        "admin:deals_deal_attachment",
        ("deals.view",),
        kwargs=lambda w: {"object_id": w.deal.pk, "attachment_id": w.attachment.pk},
        object_url=True,
    ),
    Case(
        "admin:deals_deal_comment",
        ("deals.view",),
        kwargs=lambda w: {"object_id": w.deal.pk},
        method="post",
        data={"body": "Matrix answer"},
        object_url=True,
    ),
    Case(
        "admin:deals_lead_assign",
        ("deals.leads",),
        kwargs=lambda w: {"object_id": w.lead.pk},
        object_url=True,
    ),
]


def _course_case(name: str, module: str | None = None, method: str = "get") -> Case:
    """A Learning page of the world's course (for every partner); the course for a segment
    partner A is not in answers 404 to A's users, as another partner's object would."""

    def ours(w: Any) -> dict[str, Any]:
        found = {"pk": w.course.pk}
        return found | ({"module_id": w.course_modules[module].pk} if module else {})

    def elsewhere(w: Any) -> dict[str, Any]:
        found = {"pk": w.other_course.pk}
        return found | ({"module_id": w.other_course_module.pk} if module else {})

    return Case(
        name,
        ("portal.training",),
        kwargs=ours,
        method=method,
        object_url=True,
        other_partner_kwargs=elsewhere,
    )


def _quiz_cases() -> list[Case]:
    """The quiz page and the result of attempt 1 (partner A's rep and admin each have one);
    the quiz of a course for another segment answers 404 to A's users."""

    def ours(w: Any) -> dict[str, Any]:
        return {"pk": w.quiz_course.pk, "module_id": w.quiz_module.pk}

    def elsewhere(w: Any) -> dict[str, Any]:
        return {"pk": w.other_quiz_course.pk, "module_id": w.other_quiz_module.pk}

    cases = []
    for method in ("get", "post"):
        cases.append(
            Case(
                "training:quiz",
                ("portal.training",),
                kwargs=ours,
                method=method,
                object_url=True,
                other_partner_kwargs=elsewhere,
            )
        )
    cases.append(
        Case(
            "training:quiz_result",
            ("portal.training",),
            kwargs=lambda w: ours(w) | {"number": 1},
            object_url=True,
            other_partner_kwargs=lambda w: elsewhere(w) | {"number": 1},
        )
    )
    return cases


TRAINING_CASES = [
    Case("training:learning", ("portal.training",)),
    Case("training:catalogue", ("portal.training",)),
    _course_case("training:course"),
    _course_case("training:cover"),
    _course_case("training:start", method="post"),
    _course_case("training:module", "video"),
    _course_case("training:complete", "video", method="post"),
    _course_case("training:file", "file"),
    *_quiz_cases(),
    # GET shows the confirmation; the matrix does not publish.
    Case(
        "admin:training_course_publish",
        ("training.manage",),
        kwargs=lambda w: {"object_id": w.course.pk},
        object_url=True,
    ),
    Case(
        "admin:training_course_preview",
        ("training.view",),
        kwargs=lambda w: {"object_id": w.course.pk},
        object_url=True,
    ),
    # The completion report: a CAM's figures count only the partners assigned to them.
    Case("admin:training_report", ("training.view",)),
    Case("admin:training_report_csv", ("training.view",)),
    Case(
        "admin:training_report_course",
        ("training.view",),
        kwargs=_pk(lambda w: w.course),
        object_url=True,
    ),
    Case(
        "admin:training_report_course_csv",
        ("training.view",),
        kwargs=_pk(lambda w: w.course),
        object_url=True,
    ),
]


def _award_case(name: str, capability: str) -> Case:
    """An admin page of partner A's rep's award of the world's certification."""
    return Case(
        name,
        (capability,),
        kwargs=lambda w: {"object_id": w.certification.pk, "award_id": w.award.pk},
        object_url=True,
    )


PATH_CASES = [
    Case(
        "training_paths:path",
        ("portal.training",),
        kwargs=_pk(lambda w: w.path),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_path),
    ),
    # partner A's rep's certificate: the rep's own, and their admin's company's
    Case(
        "training_paths:certificate",
        ("portal.training",),
        kwargs=_pk(lambda w: w.award),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_award),
    ),
    Case(
        "training_verify:certificate",
        (PUBLIC,),
        kwargs=lambda w: {"code": w.award.code},
        object_url=True,
    ),
    # GET shows the confirmation; the matrix does not publish, unpublish or revoke.
    Case(
        "admin:training_learningpath_publish",
        ("training.manage",),
        kwargs=lambda w: {"object_id": w.path.pk},
        object_url=True,
    ),
    Case(
        "admin:training_learningpath_unpublish",
        ("training.manage",),
        kwargs=lambda w: {"object_id": w.path.pk},
        object_url=True,
    ),
    Case(
        "admin:training_certification_holders",
        ("training.view",),
        kwargs=lambda w: {"object_id": w.certification.pk},
        object_url=True,
    ),
    _award_case("admin:training_certification_certificate", "training.view"),
    _award_case("admin:training_certification_revoke", "training.manage"),
    *[
        Case(
            "admin:training_course_quiz",
            # staff who may see courses see the editor; only training.manage saves it
            ("training.view",) if method == "get" else ("training.manage",),
            kwargs=lambda w: {"object_id": w.quiz_course.pk, "module_id": w.quiz_module.source_id},
            method=method,
            object_url=True,
        )
        for method in ("get", "post")
    ],
]


def _asset_case(name: str) -> Case:
    """A Resources page of the world's asset for every partner; the asset for a segment
    partner A is not in answers 404 to A's users, as another partner's object would."""
    return Case(
        name,
        ("portal.training",),
        kwargs=_pk(lambda w: w.asset),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_asset),
    )


def _asset_admin(name: str, capability: str, **extra: Any) -> Case:
    return Case(
        name,
        (capability,),
        kwargs=lambda w: {"object_id": w.named_asset.pk, **extra},
        object_url=True,
    )


LIBRARY_CASES = [
    Case("library:resources", ("portal.training",)),
    _asset_case("library:asset"),
    _asset_case("library:download"),
    _asset_admin("admin:training_asset_file", "training.view"),
    _asset_admin("admin:training_asset_engagement", "training.view"),
    # GET shows the forms; the matrix grants, revokes and features nothing.
    _asset_admin("admin:training_asset_partners", "training.manage"),
    _asset_admin("admin:training_asset_feature", "training.manage"),
    Case(
        "admin:training_asset_revoke",
        ("training.manage",),
        kwargs=lambda w: {"object_id": w.named_asset.pk, "partner_id": w.partner.pk},
        object_url=True,
    ),
]


# MDF: review
def _mdf_case(
    name: str, capability: str, obj_of: Callable[[Any], Any], key: str = "object_id"
) -> Case:
    return Case(
        f"admin:{name}", (capability,), kwargs=lambda w: {key: obj_of(w).pk}, object_url=True
    )


MDF_REVIEW_CASES = [
    # GET shows each decision's confirm page (or, where the status refuses it, back to the
    # screen); the matrix decides nothing.
    *(
        _mdf_case(f"mdf_mdfrequest_{action}", "mdf.approve", lambda w: w.mdf_request)
        for action in ("approve", "request_info", "reject", "decline")
    ),
    _mdf_case("mdf_mdfrequest_approve_second", "mdf.approve.second", lambda w: w.mdf_request),
    *(
        _mdf_case(f"mdf_mdfrequest_{action}", "mdf.approve", lambda w: w.funded_request)
        for action in ("extend", "release")
    ),
    *(
        _mdf_case(f"mdf_claim_{action}", "mdf.approve", lambda w: w.claim)
        for action in ("approve", "request_info", "reject")
    ),
    _mdf_case("mdf_claim_pay", "mdf.pay", lambda w: w.due_claim),
    _mdf_case("mdf_proof", "mdf.view", lambda w: w.proof, key="pk"),
    Case("admin:mdf_paymentbatch_create", ("mdf.pay",)),
    _mdf_case("mdf_paymentbatch_csv", "mdf.pay", lambda w: w.payment_batch),
    _mdf_case("mdf_paymentbatch_import", "mdf.pay", lambda w: w.payment_batch),
    _mdf_case("mdf_batch_review", "mdf.approve", lambda w: w.fund, key="pk"),
]


# MDF: funds (part A) -- the fund's pages; a CAM's rows narrow to their partners, and an
# allocation of a partner the CAM does not see answers 404 (mdf/tests/test_funds_pages.py)
def _fund_case(name: str, capability: str = "mdf.view", method: str = "get") -> Case:
    return Case(name, (capability,), kwargs=_pk(lambda w: w.fund), object_url=True, method=method)


MDF_FUND_CASES = [
    _fund_case("admin:mdf_fund_overview"),
    _fund_case("admin:mdf_fund_allocations"),
    _fund_case("admin:mdf_fund_allocations_csv"),
    _fund_case("admin:mdf_fund_allocation_set", "mdf.manage"),
    _fund_case("admin:mdf_fund_allocation_set", "mdf.manage", method="post"),
    _fund_case("admin:mdf_fund_allocations_tier", "mdf.manage"),
    _fund_case("admin:mdf_fund_allocations_tier", "mdf.manage", method="post"),
    Case(
        "admin:mdf_allocation_ledger",
        ("mdf.view",),
        kwargs=_pk(lambda w: w.allocation),
        object_url=True,
    ),
    Case(
        "admin:mdf_allocation_ledger_csv",
        ("mdf.view",),
        kwargs=_pk(lambda w: w.allocation),
        object_url=True,
    ),
]


# Exchange rates: the rates page (every vendor role), setting, deleting and importing (program
# leaders and partner operations); GET shows each form, POST an empty form (refused beside its
# fields); the matrix deletes nothing.
EXCHANGE_RATE_CASES = [
    Case("admin:exchange_rates", ("rates.view",)),
    Case("admin:exchange_rate_add", ("rates.manage",)),
    Case("admin:exchange_rate_add", ("rates.manage",), method="post"),
    Case(
        "admin:exchange_rate_delete",
        ("rates.manage",),
        kwargs=_pk(lambda w: w.exchange_rate),
        object_url=True,
    ),
    Case("admin:exchange_rates_import", ("rates.manage",)),
    Case("admin:exchange_rates_import", ("rates.manage",), method="post"),
    Case("admin:exchange_rates_import_template", ("rates.manage",)),
]


# Commissions: D (the money view, disputes). The world's tenant does not show reps their
# earnings (`reps_see_earnings` is off), so the portal pages need the company's view: a rep gets
# 403 (commissions/tests/test_money_views.py covers a tenant that shows them); another partner's
# line answers 404. POST with an empty form shows its errors; the matrix writes nothing.
def _line_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("portal.earnings.company",),
        kwargs=_pk(lambda w: w.line),
        method=method,
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_line),
    )


COMMISSIONS_D_CASES = [
    Case("commissions:money", ("portal.earnings.company",)),
    Case("commissions:deals", ("portal.earnings.company",)),
    _line_case("commissions:line"),
    _line_case("commissions:dispute_new"),
    _line_case("commissions:dispute_new", method="post"),
    Case(
        "admin:commissions_dispute_answer",
        ("commissions.approve",),
        kwargs=_pk(lambda w: w.dispute),
        object_url=True,
    ),
    Case(
        "admin:commissions_dispute_answer",
        ("commissions.approve",),
        kwargs=_pk(lambda w: w.dispute),
        object_url=True,
        method="post",
    ),
]


# Commissions: incentives -- the SPIF sign-off queue and a waiting award's decisions (GET shows
# each confirm page; POST of the queue without a selection goes back to it; nothing is decided).
def _spif_award_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("commissions.approve",),
        kwargs=_pk(lambda w: w.spif_award),
        method=method,
        object_url=True,
    )


# Commissions: A -- the plan and its versions, the preview, recalculation, the ledger's
# actions, adjustments, settings (commissions/admin/plans_urls.py, ledger_urls.py). GET shows
# each confirm page; the matrix publishes, deletes and posts nothing. A CAM's lines narrow to
# their partners (commissions/tests/test_ledger_admin.py).
def _version_case(name: str, capability: str, obj: str) -> Case:
    return Case(
        f"admin:{name}",
        (capability,),
        kwargs=_pk(lambda w: getattr(w, obj)),
        object_url=True,
    )


# Reporting: C (alerts) -- an alert's acknowledge and snooze confirm pages (GET shows each;
# POST with an empty form acknowledges, or shows the snooze form's error). Partner users hold no
# alert capability (403); a CAM gets 404 for an alert about a partner of someone else's
# (reporting/tests/test_alerts_admin.py).
def _alert_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("reporting.alerts.view",),
        kwargs=_pk(lambda w: w.alert),
        method=method,
        object_url=True,
    )


# Reporting: E (business reviews) -- the editor and its confirm pages (GET shows each; the
# matrix finalises, shares and refreshes nothing: the only POSTs are an empty finalise form and
# an empty comment, which are refused beside the field), the draft's PDF, the action items'
# pages. A CAM sees partner A's reviews only (reporting/tests/test_qbrs.py). In the portal,
# partner admins read their company's shared drafts and final reviews and download final PDFs;
# B's answer 404 to A's users; reps see their own action items.
def _qbr_case(name: str, obj: str = "qbr", method: str = "get") -> Case:
    return Case(
        name, ("reporting.qbrs.edit",), kwargs=_pk(lambda w: getattr(w, obj)), method=method,
        object_url=True,
    )  # fmt: skip


def _review_case(name: str, capability: str, obj: str, method: str = "get") -> Case:
    return Case(
        name, (capability,), kwargs=_pk(lambda w: getattr(w, obj)), method=method,
        object_url=True, other_partner_kwargs=_pk(lambda w: getattr(w, f"other_{obj}")),
    )  # fmt: skip


REPORTING_QBR_CASES = [
    Case("admin:reporting_qbr_prepare", ("reporting.qbrs.edit",)),
    Case("admin:reporting_qbr_prepare", ("reporting.qbrs.edit",), method="post"),
    _qbr_case("admin:reporting_qbr"),
    _qbr_case("admin:reporting_qbr", "final_qbr"),
    _qbr_case("admin:reporting_qbr_refresh"),
    _qbr_case("admin:reporting_qbr_share"),
    _qbr_case("admin:reporting_qbr_finalise"),
    _qbr_case("admin:reporting_qbr_finalise", method="post"),
    _qbr_case("admin:reporting_qbr_pdf"),
    _qbr_case("admin:reporting_qbr_comment", method="post"),
    _qbr_case("admin:reporting_qbr_action_add"),
    _qbr_case("admin:reporting_qbr_action", "qbr_action"),
    _qbr_case("admin:reporting_qbr_action_track", "qbr_action"),
    _qbr_case("admin:reporting_qbr_action_remove", "qbr_action"),
    Case("qbrs:reviews", ("portal.qbr_actions",)),
    _review_case("qbrs:review", "portal.qbrs", "qbr"),
    _review_case("qbrs:review", "portal.qbrs", "qbr", method="post"),
    _review_case("qbrs:review_pdf", "portal.qbrs", "final_qbr"),
    # The world's items are owned by the reps: a partner admin tracks them too.
    _review_case("qbrs:action_track", "portal.qbr_actions", "qbr_action"),
]


REPORTING_ALERT_CASES = [
    _alert_case("admin:reporting_alert_acknowledge"),
    _alert_case("admin:reporting_alert_acknowledge", "post"),
    _alert_case("admin:reporting_alert_snooze"),
    _alert_case("admin:reporting_alert_snooze", "post"),
]


# Commissions: statements (part B) -- the admin pages (GET shows each form or confirm page, or
# sends back to the statement's page where its status refuses the action; the matrix closes,
# approves and pays nothing) and the portal's statements of the partner admin's company
# (partner B's answer 404 to A's admins; commissions/tests/test_portal_statements.py).
def _statement_admin(name: str, capability: str, obj: str = "statement") -> Case:
    return Case(
        f"admin:{name}",
        (capability,),
        kwargs=lambda w: {"object_id": getattr(w, obj).pk},
        object_url=True,
    )


COMMISSION_INCENTIVE_CASES = [
    Case("commissions:incentives", ("portal.earnings",)),
    Case("admin:commissions_spif_queue", ("commissions.approve",)),
    Case("admin:commissions_spif_queue", ("commissions.approve",), method="post"),
    _spif_award_case("admin:commissions_spifaward_approve"),
    _spif_award_case("admin:commissions_spifaward_decline"),
    _spif_award_case("admin:commissions_spifaward_decline", "post"),
    # the bonus run's form and, with a period, its preview (GET); POST without "pay" previews
    Case("admin:commissions_bonus_run", ("commissions.approve",)),
    Case("admin:commissions_bonus_run", ("commissions.approve",), method="post"),
]


COMMISSION_PLAN_CASES = [
    Case("admin:commissions_plan", ("commissions.view",)),
    _version_case("commissions_version", "commissions.view", "plan_version"),
    _version_case("commissions_version", "commissions.view", "draft_version"),
    Case("admin:commissions_version_new", ("commissions.manage",)),
    _version_case("commissions_version_edit", "commissions.manage", "draft_version"),
    _version_case("commissions_version_publish", "commissions.manage", "draft_version"),
    _version_case("commissions_version_delete", "commissions.manage", "draft_version"),
    Case("admin:commissions_preview", ("commissions.view",)),
    Case(
        "admin:commissions_preview",
        ("commissions.view",),
        data={"deal": "DR-000001"},
    ),
    Case("admin:commissions_recalc", ("commissions.manage",)),
    Case("admin:commissions_settings", ("commissions.manage",)),
    Case("admin:commissions_lines_approve", ("commissions.approve",)),
    _version_case("commissions_line_reverse", "commissions.approve", "line"),
    Case("admin:commissions_adjustment_add", ("commissions.approve",)),
]


def _statement_portal(name: str) -> Case:
    return Case(
        name,
        ("portal.earnings.company",),
        kwargs=_pk(lambda w: w.statement),
        object_url=True,
        other_partner_kwargs=_pk(lambda w: w.other_statement),
    )


COMMISSION_STATEMENT_CASES = [
    Case("admin:commissions_close", ("commissions.approve",)),
    _statement_admin("commissions_statement_approve", "commissions.approve"),
    _statement_admin("commissions_statement_pay", "commissions.pay"),
    _statement_admin("commissions_statement_pdf", "commissions.view"),
    _statement_admin("commissions_statement_csv", "commissions.view"),
    Case("admin:commissions_payoutbatch_create", ("commissions.pay",)),
    _statement_admin("commissions_payoutbatch_csv", "commissions.pay", "payout_batch"),
    _statement_admin("commissions_payoutbatch_import", "commissions.pay", "payout_batch"),
    Case("commissions:statements", ("portal.earnings.company",)),
    _statement_portal("commissions:statement"),
    _statement_portal("commissions:statement_pdf"),
    _statement_portal("commissions:statement_csv"),
]


# Jobs: background jobs with progress (prm/jobs) -- the world's job is of the tests' kind
# `tests.count` (tests/jobkinds.py), which needs `jobs.view` like the pages
def _job_case(name: str, method: str = "get") -> Case:
    return Case(name, ("jobs.view",), kwargs=_pk(lambda w: w.job), object_url=True, method=method)


JOB_CASES = [
    Case("admin:jobs", ("jobs.view",)),
    _job_case("admin:job"),
    _job_case("admin:job_progress"),
    # GET shows the confirmation; the world's job has finished, so a POST changes nothing.
    _job_case("admin:job_cancel"),
    _job_case("admin:job_cancel", method="post"),
    _job_case("admin:job_result"),
]


# Reporting: B (the partner scorecard) -- partner admins see the company's figures, reps their
# own (reporting/tests/test_scorecard.py); vendor staff have no portal scorecard.
REPORTING_SCORECARD_CASES = [
    Case("reporting:scorecard", ("portal.scorecard",)),
]


# Reporting: A (the program and CAM dashboards, the list behind each figure, their CSV files).
# A CAM's pages cover their own partners (a `?cam=` of theirs is ignored); no object in the URL.
REPORTING_DASHBOARD_CASES = [
    Case("admin:reporting_program", ("reporting.program.view",)),
    Case("admin:reporting_program_csv", ("reporting.program.view",)),
    Case("admin:reporting_cam", ("reporting.cam.view",)),
    Case("admin:reporting_cam_csv", ("reporting.cam.view",)),
    Case("admin:reporting_metric", ("reporting.cam.view",), kwargs=lambda w: {"name": "deals.won"}),
    Case(
        "admin:reporting_metric_csv",
        ("reporting.cam.view",),
        kwargs=lambda w: {"name": "deals.revenue_won"},
    ),
]


# PSAT surveys -- the portal's list and a member's own request (another company's request answers
# 404; vendor staff are sent to the admin UI), the emailed link (public: its signed token names
# the request; another tenant's or an altered token answers 404; a POST without a score shows the
# form's error and records nothing), and a survey's results and CSV (a CAM's count only their
# partners: partners/tests/test_surveys.py).
def _own_survey_request(world: Any, membership: Any) -> dict[str, Any]:
    found = world.survey_requests.get(membership.user_id)
    return {"pk": (found or world.other_survey_request).pk}


def _survey_token(world: Any) -> dict[str, Any]:
    return {"token": survey_token(world.survey_requests[world.members[Role.PARTNER_REP].user_id])}


SURVEY_CASES = [
    Case("surveys:list", ("portal.access",)),
    *[
        Case(
            "surveys:answer",
            ("portal.access",),
            method=method,
            object_url=True,
            member_kwargs=_own_survey_request,
            other_partner_kwargs=lambda w: {"pk": w.other_survey_request.pk},
        )
        for method in ("get", "post")
    ],
    Case("surveys:answer_link", (PUBLIC,), kwargs=_survey_token, object_url=True),
    Case("surveys:answer_link", (PUBLIC,), kwargs=_survey_token, object_url=True, method="post"),
    Case(
        "admin:partners_survey_results",
        ("partners.surveys.view",),
        kwargs=_pk(lambda w: w.survey),
        object_url=True,
    ),
    Case(
        "admin:partners_survey_answers_csv",
        ("partners.surveys.view",),
        kwargs=_pk(lambda w: w.survey),
        object_url=True,
    ),
]


# Reporting: E (the bulk QBR export page). GET shows the form; a POST without choices is
# refused beside the fields and starts nothing. What a CAM exports narrows to their partners
# (reporting/tests/test_qbr_export.py); the job's pages are the JOB_CASES'.
REPORTING_QBR_EXPORT_CASES = [
    Case("admin:reporting_qbr_export", ("reporting.qbrs.export",)),
    Case("admin:reporting_qbr_export", ("reporting.qbrs.export",), method="post"),
]


# API keys (prm.api): program leaders manage them in the admin UI
def _key_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("integrations.manage",),
        kwargs=_pk(lambda w: w.api_key),
        object_url=True,
        method=method,
    )


API_KEY_CASES = [
    Case("admin:api_keys", ("integrations.manage",)),
    Case("admin:api_key_create", ("integrations.manage",)),
    # An empty form: its errors are shown, nothing is created.
    Case("admin:api_key_create", ("integrations.manage",), method="post"),
    _key_case("admin:api_key"),
    _key_case("admin:api_key_revoke"),
    _key_case("admin:api_key_revoke", method="post"),
]


# Webhooks (prm/webhooks): the endpoints and deliveries of the tenant, for whoever may manage
# integrations (program leaders). A POST without data shows the form's errors (add, edit,
# disable: a reason is needed) or does what the confirmation says to the world's endpoint
# (rotate, enable: already active, nothing; a test event: queued) and its delivery (redeliver).
def _webhook_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("integrations.manage",),
        kwargs=_pk(lambda w: w.webhook_endpoint),
        object_url=True,
        method=method,
    )


def _delivery_case(name: str, method: str = "get") -> Case:
    return Case(
        name,
        ("integrations.manage",),
        kwargs=lambda w: {"pk": str(w.webhook_delivery.pk)},
        object_url=True,
        method=method,
    )


WEBHOOK_CASES = [
    Case("admin:webhooks", ("integrations.manage",)),
    Case("admin:webhook_add", ("integrations.manage",)),
    Case("admin:webhook_add", ("integrations.manage",), method="post"),
    *[
        _webhook_case(name, method)
        for name in (
            "admin:webhook_edit",
            "admin:webhook_rotate",
            "admin:webhook_disable",
            "admin:webhook_enable",
            "admin:webhook_ping",
        )
        for method in ("get", "post")
    ],
    _webhook_case("admin:webhook"),
    _delivery_case("admin:webhook_delivery"),
    _delivery_case("admin:webhook_redeliver"),
    _delivery_case("admin:webhook_redeliver", method="post"),
]


def all_cases() -> list[Case]:
    return [
        *PORTAL_CASES,
        *PLAN_CASES,
        *NOTIFICATION_CASES,
        *AUTH_CASES,
        *ADMIN_SITE_CASES,
        *_admin_model_cases(),
        *MEMBERSHIP_ACTION_CASES,
        *TIER_CASES,
        *APPLICATION_ACTION_CASES,
        *ONBOARDING_CASES,
        *PARTNER_PAGE_CASES,
        *DEAL_PORTAL_CASES,
        *DEAL_ADMIN_CASES,
        *MDF_PORTAL_CASES,
        *TRAINING_CASES,
        *PATH_CASES,
        *LIBRARY_CASES,
        *MDF_REVIEW_CASES,
        *MDF_FUND_CASES,
        *EXCHANGE_RATE_CASES,
        *COMMISSIONS_D_CASES,
        *COMMISSION_INCENTIVE_CASES,
        *COMMISSION_STATEMENT_CASES,
        *JOB_CASES,
        *COMMISSION_PLAN_CASES,
        *REPORTING_ALERT_CASES,
        *REPORTING_QBR_CASES,
        *REPORTING_SCORECARD_CASES,
        *REPORTING_DASHBOARD_CASES,
        *SURVEY_CASES,
        *REPORTING_QBR_EXPORT_CASES,
        *API_KEY_CASES,
        *WEBHOOK_CASES,
    ]
