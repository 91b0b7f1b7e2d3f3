"""The partners app's demo data: types, companies, users, CAMs, segments, tiers, agreement and
recruitment."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from guardian.shortcuts import assign_perm

from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role

from .models import (
    Application,
    ApplicationField,
    BusinessPlan,
    Partner,
    PartnerType,
    ProfileCriterion,
    RecruitmentSettings,
    Segment,
    Tier,
    TierRequirement,
)
from .recruitment.scoring import ACCEPTED_CODES
from .recruitment.services import application_decline, application_submit
from .services import partner_types_ensure_defaults
from .tiers.services import tiers_evaluate

U = tuple[str, str, str]  # (email, full name, role)

#: tenant slug -> [(company, website, type, country, region, industry, size, CAM-managed, users)]
DEMO_PARTNERS: dict[str, list[tuple[str, str, str, str, str, str, str, bool, list[U]]]] = {
    "acme": [
        (
            "Northwind Solutions", "https://www.northwind.example", "Reseller", "US", "na",
            "software", "51-200", True,
            [
                ("admin@northwind.test", "Nora North", Role.PARTNER_ADMIN),
                ("rep@northwind.test", "Ned Rep", Role.PARTNER_REP),
                ("multi@partners.test", "Morgan Multi", Role.PARTNER_REP),
            ],
        ),
        (
            "Contoso Systems", "https://contoso.example", "Systems integrator", "DE", "emea",
            "manufacturing", "201-1000", True,
            [
                ("admin@contoso.test", "Cora Contoso", Role.PARTNER_ADMIN),
                ("rep@contoso.test", "Carl Rep", Role.PARTNER_REP),
            ],
        ),
        (
            "Fabrikam Digital", "https://fabrikam.example", "Agency", "GB", "emea",
            "retail", "11-50", False,
            [("admin@fabrikam.test", "Fay Fabrikam", Role.PARTNER_ADMIN)],
        ),
    ],
    "globex": [
        (
            "Initech", "https://initech.example", "Reseller", "US", "na",
            "finance", "201-1000", True,
            [
                ("admin@initech.test", "Ivan Initech", Role.PARTNER_ADMIN),
                ("rep@initech.test", "Iris Rep", Role.PARTNER_REP),
                ("multi@partners.test", "Morgan Multi", Role.PARTNER_REP),
            ],
        ),
        (
            "Umbrella IT", "https://umbrella.example", "Referral", "JP", "apac",
            "healthcare", "1-10", False,
            [("admin@umbrella.test", "Uma Umbrella", Role.PARTNER_ADMIN)],
        ),
    ],
}  # fmt: skip


def seed_partners(tenant: Tenant) -> None:
    """Partner companies with profiles and users; the CAM manages some of them, not all."""
    partner_types_ensure_defaults(tenant=tenant)
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    cam = Membership.objects.filter(tenant=tenant, role=Role.CAM).select_related("user").first()
    for name, website, kind, country, region, industry, size, managed, users in DEMO_PARTNERS.get(
        tenant.slug, []
    ):
        partner, _ = Partner.objects.update_or_create(
            tenant=tenant,
            name=name,
            defaults={
                "website": website,
                "partner_type": types.get(kind),
                "country": country,
                "region": region,
                "industry": industry,
                "size_band": size,
                "status": Partner.Status.ACTIVE,
            },
        )
        if partner.joined_on is None:
            partner.joined_on = partner.created_at.date()
            partner.save(update_fields=["joined_on"])
        if managed and cam is not None:
            assign_perm(MANAGE_PARTNER, cam.user, partner)
        for email, full_name, role in users:
            demo.ensure_membership(tenant, demo.ensure_user(email, full_name), role, partner)


#: (name, description, type names, regions, industries, sizes)
DEMO_SEGMENTS: list[tuple[str, str, list[str], list[str], list[str], list[str]]] = [
    ("EMEA partners", "Every partner in Europe, the Middle East and Africa.", [], ["emea"], [], []),
    (
        "Resellers in North America",
        "Resellers selling in the US and Canada.",
        ["Reseller"],
        ["na"],
        [],
        [],
    ),
    (
        "Large partners",
        "Partners with more than 200 employees.",
        [],
        [],
        [],
        ["201-1000", "1000+"],
    ),
]


def seed_segments(tenant: Tenant) -> None:
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    for name, description, type_names, regions, industries, sizes in DEMO_SEGMENTS:
        segment, _ = Segment.objects.update_or_create(
            tenant=tenant,
            name=name,
            defaults={
                "description": description,
                "regions": regions,
                "industries": industries,
                "size_bands": sizes,
            },
        )
        segment.partner_types.set([types[n] for n in type_names if n in types])


#: (name, rank, commission %, MDF allowance, discount %, [(metric, threshold)])
DEMO_TIERS = [
    ("Registered", 1, "10", "0", "0", []),
    ("Silver", 2, "15", "5000", "5", [("partners.active_users", "2")]),
    (
        "Gold",
        3,
        "20",
        "20000",
        "10",
        [("partners.active_users", "3"), ("partners.months_in_program", "12")],
    ),
]
#: partner -> (tier it starts in, joined on): Northwind earns Gold, Contoso Silver
DEMO_STANDING = {
    "Northwind Solutions": ("Silver", date(2024, 9, 1)),
    "Contoso Systems": ("Registered", date(2025, 6, 1)),
    "Fabrikam Digital": ("Registered", date(2026, 2, 1)),
    "Initech": ("Silver", date(2023, 3, 1)),
    "Umbrella IT": ("Registered", date(2026, 5, 1)),
}


def seed_tiers(tenant: Tenant) -> None:
    """Three tiers; partners start one below what they earn, so proposals await the CAM."""
    tiers = {}
    for name, rank, commission, mdf, discount, requirements in DEMO_TIERS:
        tier, _ = Tier.objects.update_or_create(
            tenant=tenant,
            rank=rank,
            defaults={
                "name": name,
                "commission_rate": Decimal(commission),
                "mdf_allowance": Decimal(mdf),
                "discount": Decimal(discount),
            },
        )
        for metric, threshold in requirements:
            TierRequirement.objects.update_or_create(
                tenant=tenant, tier=tier, metric=metric, defaults={"threshold": Decimal(threshold)}
            )
        tiers[name] = tier
    for partner in Partner.objects.filter(tenant=tenant, tier__isnull=True):
        standing = DEMO_STANDING.get(partner.name)
        if standing:
            partner.tier = tiers[standing[0]]
            partner.joined_on = standing[1]
            partner.save(update_fields=["tier", "joined_on"])
    tiers_evaluate(tenant=tenant)


DEMO_AGREEMENT = """<h2>1. The program</h2>
<p>The partner resells and refers the vendor's products in its region and keeps its
registration data up to date.</p>
<h2>2. Deal registration</h2>
<p>An approved registration protects the customer for the vendor's protection window. The
vendor decides conflicts by the rules of engagement published in the portal.</p>
<h2>3. Funds and confidentiality</h2>
<ul><li>Market development funds are spent as approved and proven by claims.</li>
<li>Price lists and roadmaps stay confidential.</li></ul>"""


def seed_agreement(tenant: Tenant) -> None:
    """Version 1 of the agreement; the first partner of the program has accepted it."""
    from .agreements.selectors import current_agreement
    from .agreements.services import agreement_accept, agreement_publish

    if current_agreement(tenant) is None:
        leader = Membership.objects.filter(tenant=tenant, role=Role.PROGRAM_LEADER).first()
        if leader is None:
            return
        agreement = agreement_publish(
            actor=leader, title=f"{tenant.name} partner agreement", body_html=DEMO_AGREEMENT
        )
        first = DEMO_PARTNERS.get(tenant.slug, [])[:1]
        for name, *_rest in first:
            admin = Membership.objects.filter(
                tenant=tenant, partner__name=name, role=Role.PARTNER_ADMIN
            ).first()
            if admin is not None:
                agreement_accept(actor=admin, agreement=agreement)


DEMO_RECRUITMENT_INTRO = {
    "acme": (
        "Resell and implement Acme Cloud in your region. Partners get deal registration, "
        "market development funds and a dedicated channel account manager.\n\n"
        "We look for established resellers and integrators with a sales team."
    ),
    "globex": (
        "Join the Globex Partner Network: sell Globex Software to your customers in Europe "
        "and earn margin, incentives and training."
    ),
}

#: tenant slug -> [(question, accepted values or partner type names, minimum, weight, must-have)]
DEMO_PROFILE: dict[str, list[tuple[str, list[str], str | None, int, bool]]] = {
    "acme": [
        ("region", ["na", "emea"], None, 30, False),
        ("annual_revenue", [], "1000000", 25, True),
        ("sales_staff", [], "5", 20, False),
        ("industry", ["software", "finance"], None, 15, False),
        ("partner_type", ["Reseller", "Systems integrator"], None, 10, False),
    ],
    "globex": [
        ("region", ["emea"], None, 40, True),
        ("size_band", ["51-200", "201-1000", "1000+"], None, 20, False),
        ("years_in_business", [], "3", 20, False),
        ("partner_type", ["Reseller", "Referral"], None, 20, False),
    ],
}

_ANSWER_KEYS = (
    "company_name", "contact_name", "contact_email", "country", "website", "region", "industry",
    "size_band", "partner_type", "annual_revenue", "sales_staff", "years_in_business", "about",
)  # fmt: skip

#: tenant slug -> [(answers in _ANSWER_KEYS order, decline reason or "")]; a mix of scores and
#: flags: free mail, an existing partner's domain, a missed must-have, one declined.
DEMO_APPLICATIONS: dict[str, list[tuple[tuple[Any, ...], str]]] = {
    "acme": [
        (("Blue Yonder Consulting", "Jane Doe", "jane.doe@blueyonder.example", "US",
          "https://www.blueyonder.example", "na", "software", "51-200", "Reseller",
          "2500000", 12, 9, "Cloud reseller for mid-sized software companies."), ""),
        (("Tailspin Sales", "Tom Tailspin", "tailspin.sales@gmail.com", "GB", "", "emea",
          "retail", "11-50", "Referral", "1200000", 5, 4, ""), ""),
        (("Northwind Solutions Europe", "Nadia North", "nadia@eu.northwind.example", "DE",
          "https://eu.northwind.example", "emea", "software", "11-50", "Agency", "1500000",
          6, 2, "The European arm of Northwind."), ""),
        (("Litware Startups", "Liam Litware", "liam@litware.example", "CA",
          "https://litware.example", "na", "software", "1-10", "Referral", "150000", 1, 1,
          "We advise early-stage startups."), ""),
        (("Wide World Importers", "Wanda World", "wanda@wideworld.example", "BR",
          "https://wideworld.example", "latam", "manufacturing", "201-1000", "Systems integrator",
          "5000000", 8, 20, ""), ""),
        (("Adventure Works Cycles", "Adam Works", "adam@adventure-works.example", "US",
          "https://adventure-works.example", "na", "retail", "51-200", "Agency", "3000000", 4,
          12, ""),
         "We only take partners selling to software and financial services companies for now."),
    ],
    "globex": [
        (("Trey Research", "Tracy Trey", "tracy@treyresearch.example", "DE",
          "https://treyresearch.example", "emea", "software", "51-200", "Reseller", "4000000",
          10, 8, "Software reseller in the DACH region."), ""),
        (("Proseware", "Paul Prose", "proseware.paul@yahoo.com", "FR", "", "emea", "public",
          "11-50", "Referral", "600000", 2, 2, ""), ""),
        (("Initech Europe", "Ingrid Initech", "ingrid@eu.initech.example", "NL",
          "https://eu.initech.example", "emea", "finance", "201-1000", "Reseller", "9000000",
          25, 2, ""), ""),
        (("Lucerne Publishing", "Lu Lucerne", "lu@lucernepublishing.example", "JP",
          "https://lucernepublishing.example", "apac", "other", "51-200", "Referral", "2000000",
          5, 15, ""), ""),
        (("Coho Winery", "Cole Coho", "cole@cohowinery.example", "IT",
          "https://cohowinery.example", "emea", "retail", "1-10", "Affiliate", "90000", 1, 1,
          ""), "Our program is for software resellers and integrators; wineries are out of scope."),
    ],
}  # fmt: skip


def seed_recruitment(tenant: Tenant) -> None:
    """An open "Become a partner" page, an ideal profile and applications waiting for ops."""
    if tenant.slug not in DEMO_PROFILE:
        return
    RecruitmentSettings.objects.get_or_create(
        tenant=tenant,
        defaults={
            "is_open": True,
            "intro": DEMO_RECRUITMENT_INTRO[tenant.slug],
            "asked_fields": [f for f in ApplicationField.values if f != "phone"],
            "required_fields": ["partner_type", "region"],
        },
    )
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    if not ProfileCriterion.objects.filter(tenant=tenant).exists():
        for question, values, minimum, weight, must_have in DEMO_PROFILE[tenant.slug]:
            accepted = {ACCEPTED_CODES[question]: values} if question in ACCEPTED_CODES else {}
            criterion = ProfileCriterion.objects.create(
                tenant=tenant,
                field=question,
                minimum=Decimal(minimum) if minimum else None,
                weight=weight,
                must_have=must_have,
                **accepted,
            )
            if question == "partner_type":
                criterion.partner_types.set([types[n] for n in values if n in types])
    ops = Membership.objects.filter(tenant=tenant, role=Role.PARTNER_OPS, is_active=True).first()
    for answer_values, decline_reason in DEMO_APPLICATIONS[tenant.slug]:
        answers: dict[str, Any] = dict(zip(_ANSWER_KEYS, answer_values, strict=True))
        if Application.objects.filter(
            tenant=tenant, contact_email=answers["contact_email"]
        ).exists():
            continue
        answers["partner_type"] = types.get(answers["partner_type"])
        answers["annual_revenue"] = Decimal(answers["annual_revenue"])
        application = application_submit(tenant=tenant, answers=answers, ip=None)
        if decline_reason and ops is not None:
            application_decline(actor=ops, application=application, reason=decline_reason)


#: tenant slug -> (partner, strategy, goals as (metric, target, note), milestones as
#: (title, owner "cam" or "admin", due in days from today, done days from today or None))
DEMO_PLANS = {
    "acme": (
        "Northwind Solutions",
        "Grow Acme Cloud with mid-market software companies in the US and Canada: a "
        "co-branded webinar series, two certified presales engineers, and quarterly reviews "
        "of the pipeline with our CAM.",
        [
            ("partners.active_users", "6", "Every seller and presales engineer on the portal."),
            ("partners.months_in_program", "30", "Renew the program membership in September."),
        ],
        [
            ("Joint kick-off workshop", "cam", -60, -61),
            ("Certify two presales engineers", "admin", -10, None),
            ("Launch the co-branded webinar series", "admin", 30, None),
            ("Quarterly business review", "cam", 45, None),
        ],
    ),
}


def seed_business_plan(tenant: Tenant) -> None:
    """Northwind's plan for this year, made by its CAM with the partner's admin: two goals, a
    milestone done, one overdue and two coming up. Left alone once it exists."""
    from .plans.services import plan_create, plan_edit

    spec = DEMO_PLANS.get(tenant.slug)
    if spec is None:
        return
    name, summary, goals, milestones = spec
    today = timezone.localdate()
    partner = Partner.objects.filter(tenant=tenant, name=name).first()
    cam = Membership.objects.filter(tenant=tenant, role=Role.CAM).first()
    admin = Membership.objects.filter(
        tenant=tenant, partner=partner, role=Role.PARTNER_ADMIN
    ).first()
    if partner is None or cam is None or admin is None:
        return
    if BusinessPlan.objects.filter(tenant=tenant, partner=partner, year=today.year).exists():
        return
    plan = plan_create(actor=cam, partner=partner, year=today.year, summary=summary)
    done = []
    with plan_edit(actor=cam, plan=plan) as edit:
        for metric, target, note in goals:
            edit.goal_add(metric=metric, target=Decimal(target), note=note)
        for title, owner, due_in, done_in in milestones:
            milestone = edit.milestone_add(
                title=title,
                owner=cam if owner == "cam" else admin,
                due_on=today + timedelta(days=due_in),
            )
            if done_in is not None:
                done.append((milestone, today + timedelta(days=done_in)))
    # The partner's side ticks off what it did: both sides show in the plan's history.
    with plan_edit(actor=admin, plan=plan) as edit:
        for milestone, day in done:
            edit.milestone_done(milestone, on=day)


DEMO_RULES = """First valid registration wins. A customer belongs to the partner whose registration
reaches {vendor} first with everything the form asks for: the customer's company and website,
a named contact, the products and an expected amount and close date.

An approved registration protects the customer for the program's protection window (90 days).
Ask for an extension before it ends when the deal needs more time; your account manager decides.

A registration for a customer another partner already registered is a conflict: it waits while
the first one stands. Accounts {vendor} sells to directly, and existing customers, cannot be
registered.

Your account manager decides every registration within two business days and gives the reason
for a rejection. Questions about these rules go to your account manager."""

#: the partners whose admins have filled in their company profile in the demo
DEMO_PROFILES = {
    "Northwind Solutions": (
        "Northwind resells cloud software to mid-market companies in the US and Canada, with "
        "its own onboarding and support team.",
        "200 Harbor Street\nSuite 400\nSeattle, WA 98101",
    ),
    "Initech": (
        "Initech integrates business software for banks and insurers.",
        "1 Initech Plaza\nAustin, TX 78701",
    ),
}


def seed_rules_and_profiles(tenant: Tenant) -> None:
    """The rules of engagement partners read, and the company profiles some admins wrote."""
    from .selectors import rules_of_engagement_for

    rules = rules_of_engagement_for(tenant)
    if not rules.body:
        rules.body = DEMO_RULES.format(vendor=tenant.name).replace("\n", " ").replace("  ", "\n\n")
        rules.save(update_fields=["body", "updated_at"])
    for partner in Partner.objects.filter(tenant=tenant, name__in=DEMO_PROFILES, description=""):
        partner.description, partner.address = DEMO_PROFILES[partner.name]
        partner.save(update_fields=["description", "address"])
