"""Demo onboarding: plans per partner type, and new partners in every state of them."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from guardian.shortcuts import assign_perm

from prm.accounts.services import invitation_create
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role

from ..agreements.selectors import current_agreement
from ..agreements.services import agreement_accept
from ..models import (
    OnboardingPlan,
    OnboardingStep,
    Partner,
    PartnerType,
)
from .progress import progress_of
from .services import onboarding_of, onboarding_step_tick

AGREEMENT = "partners.agreement.accepted"
INVITED = "accounts.invitation.sent"
COURSE = "training.course.passed"
DEAL = "deals.deal.registered"

#: tenant slug -> [(plan, partner type or None for the default plan, stalled after days,
#: introduction, [(step, what the partner does, event or "" for a manual step)])]
DEMO_PLANS: dict[str, list[tuple[str, str | None, int, str, list[tuple[str, str, str]]]]] = {
    "acme": [
        ("Reseller onboarding", "Reseller", 7,
         "Five steps from signing up to your first protected deal.", [
             ("Accept the partner agreement", "Read and accept it under My program.", AGREEMENT),
             ("Invite a colleague", "Bring your sales team in from the Team page.", INVITED),
             ("Kick-off call with your channel manager",
              "We walk you through the program and agree on first goals.", ""),
             ("Pass your first course",
              "Pass the “Sales foundations” course under Learning; this step ticks itself when "
              "you do.", COURSE),
             ("Register your first deal", "Register an opportunity to protect it.", DEAL),
         ]),
        ("Referral onboarding", "Referral", 10,
         "Three steps and you can start referring customers.", [
             ("Accept the partner agreement", "Read and accept it under My program.", AGREEMENT),
             ("Invite a colleague", "Whoever sends referrals needs a login too.", INVITED),
             ("Payout details confirmed",
              "Your channel manager confirms where referral fees are paid.", ""),
         ]),
    ],
    "globex": [
        ("Systems integrator onboarding", "Systems integrator", 14,
         "Get certified and land your first implementation.", [
             ("Accept the partner agreement", "Read and accept it under My program.", AGREEMENT),
             ("Technical kick-off", "A Globex architect meets your delivery lead.", ""),
             ("Invite your delivery team", "Every consultant gets a login.", INVITED),
             ("Pass the implementation course",
             "Required before your first project; this step ticks itself when you pass it.",
             COURSE),
             ("Register your first deal", "Register an opportunity to protect it.", DEAL),
         ]),
        ("Partner onboarding", None, 10, "The essentials for every new Globex partner.", [
            ("Accept the partner agreement", "Read and accept it under My program.", AGREEMENT),
            ("Invite a colleague", "Bring your team in from the Team page.", INVITED),
            ("Welcome call", "Your channel manager introduces the program.", ""),
        ]),
    ],
}  # fmt: skip


#: step texts of earlier demo data that pointed partners to pages the portal does not have:
#: demo databases seeded before are corrected (old text -> the step's text in DEMO_PLANS)
OUTDATED_TEXTS = {
    "Take “Selling Acme Cloud” in Training.": DEMO_PLANS["acme"][0][4][3][1],
}


@dataclass(frozen=True)
class DemoPartner:
    name: str
    website: str
    kind: str
    country: str
    region: str
    admin: tuple[str, str]  # (email, full name)
    #: how many days ago its onboarding started
    started_days_ago: int
    #: for each step done, in plan order: how many days after the start
    done_after_days: list[int] = field(default_factory=list)
    managed_by_cam: bool = True


DEMO_PARTNERS: dict[str, list[DemoPartner]] = {
    "acme": [
        # not started
        DemoPartner("Tailspin Toys", "https://tailspin.example", "Reseller", "US", "na",
                    ("admin@tailspin.test", "Tara Tailspin"), 2),
        # in progress: the kick-off call is next, for the CAM to tick
        DemoPartner("Proseware", "https://proseware.example", "Reseller", "CA", "na",
                    ("admin@proseware.test", "Paul Proseware"), 5, [1, 3]),
        # stalled: nothing since the agreement, 19 days ago (the plan allows 10)
        DemoPartner("Litware", "https://litware.example", "Referral", "FR", "emea",
                    ("admin@litware.test", "Lise Litware"), 21, [2]),
        # completed in 9 days, and active since
        DemoPartner("Adventure Works", "https://adventure-works.example", "Referral", "AU",
                    "apac", ("admin@adventure-works.test", "Adam Adventure"), 30, [2, 5, 9]),
    ],
    "globex": [
        DemoPartner("Woodgrove Partners", "https://woodgrove.example", "Systems integrator",
                    "GB", "emea", ("admin@woodgrove.test", "Will Woodgrove"), 1,
                    managed_by_cam=False),
        DemoPartner("Wide World Importers", "https://wideworld.example", "Systems integrator",
                    "NL", "emea", ("admin@wideworld.test", "Wendy World"), 6, [1, 2, 4]),
        DemoPartner("Blue Yonder Consulting", "https://blueyonder.example", "Agency", "US",
                    "na", ("admin@blueyonder.test", "Blake Yonder"), 25, [2]),
        DemoPartner("Lucerne Publishing", "https://lucerne.example", "Affiliate", "CH", "emea",
                    ("admin@lucerne.test", "Luca Lucerne"), 40, [1, 4, 12]),
    ],
}  # fmt: skip


def seed_onboarding(tenant: Tenant) -> None:
    """Plans for a few partner types (and Globex's default plan), and new partners not started,
    in progress, stalled and completed: their steps are done through the real services (events,
    a CAM's tick), then dated back. Plans and partners that exist already are left alone."""
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    for name, type_name, stalled_after, introduction, steps in DEMO_PLANS.get(tenant.slug, []):
        plan, created = OnboardingPlan.objects.get_or_create(
            tenant=tenant,
            partner_type=types.get(type_name) if type_name else None,
            defaults={
                "name": name,
                "stalled_after_days": stalled_after,
                "introduction": introduction,
            },
        )
        if created:
            OnboardingStep.objects.bulk_create(
                OnboardingStep(
                    tenant=tenant,
                    plan=plan,
                    position=position,
                    title=title,
                    description=description,
                    kind=OnboardingStep.Kind.AUTOMATIC if event else OnboardingStep.Kind.MANUAL,
                    event=event,
                )
                for position, (title, description, event) in enumerate(steps, start=1)
            )
    for old, new in OUTDATED_TEXTS.items():
        OnboardingStep.objects.filter(tenant=tenant, description=old).update(description=new)
    cam = Membership.objects.filter(tenant=tenant, role=Role.CAM).select_related("user").first()
    for row in DEMO_PARTNERS.get(tenant.slug, []):
        if not Partner.objects.filter(tenant=tenant, name=row.name).exists():
            _seed_partner(tenant, row, types.get(row.kind), cam)


def _seed_partner(
    tenant: Tenant, row: DemoPartner, kind: PartnerType | None, cam: Membership | None
) -> None:
    """The partner joins `started_days_ago`; each step is done so many days later, played at
    its moment (`demo.played_at`): the checklist, the history and the audit agree."""
    started = timezone.now() - timedelta(days=row.started_days_ago)
    with demo.played_at(started):
        partner = Partner.objects.create(
            tenant=tenant,
            name=row.name,
            website=row.website,
            partner_type=kind,
            country=row.country,
            region=row.region,
            status=Partner.Status.ONBOARDING,
        )
        if row.managed_by_cam and cam is not None:
            assign_perm(MANAGE_PARTNER, cam.user, partner)
        admin = demo.ensure_membership(
            tenant, demo.ensure_user(*row.admin), Role.PARTNER_ADMIN, partner
        )
        onboarding = onboarding_of(partner)
    if onboarding is None:
        return
    steps = progress_of(onboarding).steps[: len(row.done_after_days)]
    for state, days in zip(steps, row.done_after_days, strict=False):
        step = state.step
        with demo.played_at(started + timedelta(days=days)):
            agreement = current_agreement(tenant)
            if step.event == AGREEMENT and agreement is not None:
                agreement_accept(actor=admin, agreement=agreement)
            elif step.event == INVITED:
                invitation_create(
                    actor=admin,
                    email=row.admin[0].replace("admin@", "sales@"),
                    role=Role.PARTNER_REP,
                    partner=partner,
                )
            elif step.is_manual and cam is not None and row.managed_by_cam:
                onboarding_step_tick(actor=cam, partner=partner, step=step)
