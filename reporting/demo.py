"""A year of demo history for the dashboards, the scorecard and the alerts (issue 17, point 8).

Runs after every app's seeder (`register_seeder(..., order=110)`), once per tenant, and leaves the
rows other seeders made alone: the journeys read them (Northwind's registrations, Fourth Coffee,
the CAM's five waiting registrations, last month's statements). It adds:

- partner companies in several types and regions, so that each demo tenant's Silver tier has at
  least five partners besides Northwind or Initech (the scorecard shows a tier benchmark only from
  five partners), with users who can sign in with the demo password;
- fourteen months of registrations (so a year's chart starts with the wins of earlier ones):
  submitted, decided by the CAM (approved or rejected, with their business hours and SLA due
  times, some late), won, lost or expired with close dates and amounts, mostly in the tenant's
  currency and some in another one; monthly exchange rates for those; a growing trend with
  busier quarter ends and a quiet August;
- sign-in days of partner users over the last twelve months, and training started and finished
  over them (by the added companies' users: the journeys follow Northwind's own training).

History is written as rows with back-dated timestamps (`bulk_create` + one UPDATE for the
`auto_now_add` columns), not through the services: the services stamp now, and replaying a
year through them (audit, notifications, claims) would make `make run`'s seeding many times
slower. Exchange rates, a handful, go through their service. The registrations of the partners
the other seeders made are placed before their stories (more than 95 days ago) and closed before
the month before last, so no list's first page, no queue, no statement and no commission the
journeys check changes; the recent months' figures come from the partners added here. Their
users' memberships are dated from the day their company joined (a member since the seeding
could not have been active in the months before).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Count, F
from django.utils import timezone
from guardian.shortcuts import assign_perm

from deals.models import Deal, DealSettings, Product, RejectReason
from deals.selectors import deal_settings_for, reject_reasons_for
from partners.models import Partner, PartnerType, Tier
from prm.accounts.models import SignInDay
from prm.exchange.models import ExchangeRate
from prm.exchange.services import rate_set
from prm.metrics.periods import month_of
from prm.normalize import company_core
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import PARTNER_ROLES, Role
from training.models import Course, Enrolment, VersionModule

#: (company, type, country, region, tier, joined (days ago), CAM-managed, weight, users)
#: weight: how many registrations a month the company makes at the end of the year
HISTORY_PARTNERS: dict[str, "Plan"] = {
    "acme": [
        ("Bluebird Networks", "Reseller", "US", "na", "Silver", 900, True, 2.4, ["admin", "rep"]),
        ("Harborline IT", "Systems integrator", "GB", "emea", "Silver", 700, True, 1.8,
         ["admin", "rep", "rep2"]),
        ("Meridian Cloud Group", "Reseller", "CA", "na", "Silver", 520, False, 1.5,
         ["admin", "rep"]),
        ("Pinecrest Systems", "Agency", "FR", "emea", "Silver", 300, False, 1.1, ["admin"]),
        ("Sakura Data Works", "Referral", "JP", "apac", "Silver", 250, True, 0.9,
         ["admin", "rep"]),
        ("Redwood Data Partners", "Systems integrator", "US", "na", "Gold", 1200, True, 3.2,
         ["admin", "rep", "rep2"]),
        ("Andes Digital", "Reseller", "BR", "latam", "Gold", 1000, False, 2.2, ["admin", "rep"]),
        ("Kestrel Advisory", "Referral", "AU", "apac", "Registered", 150, False, 0.6,
         ["admin"]),
    ],
    "globex": [
        ("Nordlicht IT", "Reseller", "DE", "emea", "Silver", 800, True, 2.0, ["admin", "rep"]),
        ("Lumen Systems", "Systems integrator", "NL", "emea", "Silver", 600, True, 1.6,
         ["admin", "rep"]),
        ("Maple Leaf Solutions", "Reseller", "CA", "na", "Silver", 450, False, 1.2, ["admin"]),
        ("Coral Bay Tech", "Agency", "SG", "apac", "Silver", 280, False, 0.8, ["admin"]),
        ("Aurora Consulting", "Referral", "SE", "emea", "Silver", 200, True, 0.7, ["admin"]),
        ("Vertex Integration", "Systems integrator", "US", "na", "Gold", 1100, True, 2.6,
         ["admin", "rep"]),
        ("Pampas Software", "Reseller", "AR", "latam", "Registered", 120, False, 0.5,
         ["admin"]),
    ],
}  # fmt: skip
#: the partners other seeders made: how busy their older history is
EARLIER_PARTNERS = {
    "Northwind Solutions": 2.0,
    "Contoso Systems": 1.4,
    "Fabrikam Digital": 0.6,
    "Initech": 1.8,
    "Umbrella IT": 0.5,
}
#: the other currencies a registration may be in, with a share and a rate around which the
#: monthly rates move (the value of one unit in the tenant's currency)
FOREIGN = {
    "USD": [("EUR", 0.10, "1.08"), ("GBP", 0.05, "1.27")],
    "EUR": [("USD", 0.10, "0.92"), ("GBP", 0.05, "1.17")],
}
#: a month's weight in the year: quarter ends are busy, August is quiet
SEASON = {1: 0.8, 2: 0.9, 3: 1.35, 4: 0.85, 5: 0.95, 6: 1.3, 7: 0.9, 8: 0.65, 9: 1.3, 10: 0.95,
          11: 1.0, 12: 1.4}  # fmt: skip
CUSTOMER_WORDS = (
    "Apex", "Atlas", "Beacon", "Cascade", "Cedar", "Cobalt", "Delta", "Ember", "Falcon",
    "Granite", "Harbor", "Horizon", "Iris", "Juniper", "Keystone", "Lantern", "Maple",
    "Nimbus", "Orchid", "Pioneer", "Quartz", "Raven", "Sierra", "Summit", "Tidal", "Union",
    "Vista", "Willow", "Zenith",
)  # fmt: skip
CUSTOMER_KINDS = (
    "Foods", "Logistics", "Health", "Bank", "Retail", "Energy", "Media", "Labs", "Motors",
    "Insurance", "Pharma", "Textiles", "Hotels", "Airlines", "Telecom", "Studios",
)  # fmt: skip
S = Deal.Status
#: registrations a month per unit of a company's weight
PACE = 1.8
#: how far back the registrations go
HISTORY_MONTHS = 14
HISTORY_DAYS = 31 * HISTORY_MONTHS


def seed_history(tenant: Tenant) -> None:
    """A year of history for the tenant (once: left alone when its first company is there)."""
    plan = HISTORY_PARTNERS.get(tenant.slug)
    if not plan or Partner.objects.filter(tenant=tenant, name=plan[0][0]).exists():
        return
    rng = random.Random(f"history-{tenant.slug}")  # noqa: S311 - demo data, reproducible
    zone = ZoneInfo(tenant.time_zone)
    now = timezone.now()
    today = timezone.localdate()
    cam = Membership.objects.filter(tenant=tenant, role=Role.CAM, is_active=True).first()
    leader = Membership.objects.filter(
        tenant=tenant, role=Role.PROGRAM_LEADER, is_active=True
    ).first()
    if cam is None or leader is None:
        return
    partners = _partners(tenant, plan, cam, today)
    weights = {p.pk: w for p, w in partners.values()}
    added = {p.pk for name, (p, _w) in partners.items() if name not in EARLIER_PARTNERS}
    _rates(tenant, leader, today)
    _deals(tenant, rng, zone, now, today, cam, weights, added)
    _sign_ins(tenant, rng, today, weights)
    _training(tenant, rng, zone, now, today, added)


Plan = list[tuple[str, str, str, str, str, int, bool, float, list[str]]]
FIRST_NAMES = {"admin": "Avery", "rep": "Riley", "rep2": "Jordan"}


def _partners(
    tenant: Tenant, plan: Plan, cam: Membership, today: date
) -> dict[str, tuple[Partner, float]]:
    """The companies of the plan with their users, and the earlier ones: name -> (partner,
    weight). Partner users' memberships are dated from the day their company joined (at most
    the history's months back), so the months before today have members to count active."""
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    tiers = {t.name: t for t in Tier.objects.filter(tenant=tenant)}
    password = make_password(demo.DEMO_PASSWORD)  # hashed once: hashing is the slow part
    found: dict[str, tuple[Partner, float]] = {}
    for name, kind, country, region, tier, joined, managed, weight, users in plan:
        slug = name.split()[0].lower()
        partner = Partner.objects.create(
            tenant=tenant,
            name=name,
            website=f"https://{slug}.example",
            partner_type=types.get(kind),
            country=country,
            region=region,
            status=Partner.Status.ACTIVE,
            tier=tiers.get(tier),
            joined_on=today - timedelta(days=joined),
        )
        if managed:
            assign_perm(MANAGE_PARTNER, cam.user, partner)
        for user in users:
            role = Role.PARTNER_ADMIN if user == "admin" else Role.PARTNER_REP
            email = f"{user}@{slug}.test"
            person, _ = get_user_model().objects.get_or_create(
                email=email,
                defaults={"full_name": f"{FIRST_NAMES[user]} {name.split()[0]}"},
            )
            person.password = password
            person.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=person, email=email, defaults={"verified": True, "primary": True}
            )
            demo.ensure_membership(tenant, person, role, partner)
        found[name] = (partner, weight)
    for partner in Partner.objects.filter(tenant=tenant, name__in=list(EARLIER_PARTNERS)):
        found[partner.name] = (partner, EARLIER_PARTNERS[partner.name])
    for partner, _weight in found.values():
        since = max(partner.joined_on or today, today - timedelta(days=HISTORY_DAYS))
        Membership.objects.filter(
            tenant=tenant,
            partner=partner,
            role__in=sorted(PARTNER_ROLES),
            created_at__date__gt=since,
        ).update(created_at=datetime.combine(since, time(9), tzinfo=ZoneInfo(tenant.time_zone)))
    return found


def _rates(tenant: Tenant, leader: Membership, today: date) -> None:
    """A rate on the first of each month of the history for each other currency, drifting."""
    first = month_of(today).start
    for code, _share, around in FOREIGN.get(tenant.default_currency, []):
        rng = random.Random(f"rates-{tenant.slug}-{code}")  # noqa: S311 - demo data
        rate = Decimal(around)
        for back in range(HISTORY_MONTHS, -1, -1):
            day = _months_back(first, back)
            if ExchangeRate.objects.filter(tenant=tenant, currency=code, valid_from=day).exists():
                continue
            rate = (rate * Decimal(str(1 + rng.uniform(-0.02, 0.02)))).quantize(Decimal("0.0001"))
            with demo.played_at(datetime.combine(day, time(8), tzinfo=ZoneInfo(tenant.time_zone))):
                rate_set(actor=leader, currency=code, rate=rate, valid_from=day)


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _business_later(start: datetime, hours: float) -> datetime:
    """`hours` business hours (Monday to Friday, 9 to 17) after `start`."""
    at = start
    left = hours
    while left > 0:
        if at.weekday() >= 5 or at.hour >= 17:
            at = (at + timedelta(days=1)).replace(hour=9, minute=0)
            continue
        if at.hour < 9:
            at = at.replace(hour=9, minute=0)
        room = 17 - (at.hour + at.minute / 60)
        step = min(room, left)
        at += timedelta(hours=step)
        left -= step
    return at


def _deals(
    tenant: Tenant,
    rng: random.Random,
    zone: ZoneInfo,
    now: datetime,
    today: date,
    cam: Membership,
    weights: dict[int, float],
    added: set[int],
) -> None:
    settings = deal_settings_for(tenant)
    reasons = list(reject_reasons_for(tenant))
    products = list(Product.objects.filter(tenant=tenant))
    owners: dict[int, Membership] = {}
    for membership in Membership.objects.filter(
        tenant=tenant, partner_id__in=list(weights), role__in=sorted(PARTNER_ROLES), is_active=True
    ).select_related("partner"):
        pid = membership.partner_id
        assert pid is not None
        held = owners.get(pid)
        # a rep registers when the company has one
        if held is None or (membership.role == Role.PARTNER_REP != held.role):
            owners[pid] = membership
    joined = dict(Partner.objects.filter(pk__in=list(weights)).values_list("pk", "joined_on"))
    foreign = FOREIGN.get(tenant.default_currency, [])
    #: the partners of other seeders: before their stories, closed before the month before last
    earlier_until = today - timedelta(days=95)
    earlier_closes_by = _months_back(month_of(today).start, 2) - timedelta(days=1)
    rows: list[Deal] = []
    product_of: list[Product | None] = []
    number = 0
    first = month_of(today).start
    # fourteen months: the first months of a year's chart then have their wins too
    for back in range(HISTORY_MONTHS - 1, -1, -1):
        month = month_of(_months_back(first, back))
        growth = 0.55 + 0.45 * (HISTORY_MONTHS - 1 - back) / (HISTORY_MONTHS - 1)
        for partner_id, weight in weights.items():
            earlier = partner_id not in added
            expected = PACE * weight * growth * SEASON[month.start.month]
            count = int(expected) + (rng.random() < expected - int(expected))
            owner = owners.get(partner_id)
            if owner is None:
                continue
            for _ in range(count):
                day = month.start + timedelta(
                    days=rng.randrange((month.end - month.start).days + 1)
                )
                joined_on = joined.get(partner_id)
                if day > today or (joined_on is not None and day < joined_on):
                    continue
                if earlier and day > earlier_until:
                    continue
                submitted = datetime.combine(
                    day, time(rng.randrange(8, 18), rng.randrange(60)), zone
                )
                if submitted > now - timedelta(days=2):
                    continue  # the last days' registrations are the other seeders' stories
                number += 1
                deal = _history_deal(
                    tenant, rng, settings, reasons, cam, owner, submitted, now,
                    earlier_closes_by if earlier else today - timedelta(days=1), foreign, number,
                )  # fmt: skip
                if deal is not None:
                    rows.append(deal)
                    product_of.append(rng.choice(products) if products else None)
    made = Deal.objects.bulk_create(rows)
    # `created_at` is auto_now_add: the registration was created when it was submitted
    Deal.objects.filter(pk__in=[d.pk for d in made]).update(created_at=F("submitted_at"))
    through = Deal.products.through
    through.objects.bulk_create(
        [
            through(deal_id=deal.pk, product_id=product.pk)
            for deal, product in zip(made, product_of, strict=True)
            if product is not None
        ]
    )


def _history_deal(
    tenant: Tenant,
    rng: random.Random,
    settings: DealSettings,
    reasons: list[RejectReason],
    cam: Membership,
    owner: Membership,
    submitted: datetime,
    now: datetime,
    closes_by: date,
    foreign: list[tuple[str, float, str]],
    number: int,
) -> Deal | None:
    """One registration's whole story from its submission, or None when it would still be
    waiting (the waiting ones are the other seeders')."""
    # CAMs decide faster as the year goes on: a median of about 28 business hours a year ago,
    # 14 now; about a quarter missed the SLA (48 hours by default) then, under a tenth now
    age = (now - submitted).days
    scale = 14 + 14 * min(age, 365) / 365
    hours = round(min(rng.lognormvariate(0, 0.9) * scale, 240) * 2) / 2
    decided = _business_later(submitted, hours)
    if decided > now - timedelta(hours=1):
        return None
    due = _business_later(submitted, settings.sla_hours)
    currency = tenant.default_currency
    pick = rng.random()
    for code, share, _rate in foreign:
        if pick < share:
            currency = code
            break
        pick -= share
    amount = Decimal(rng.choice([5, 8, 12, 15, 18, 24, 30, 36, 45, 60, 75, 90, 120]) * 1000)
    amount += Decimal(rng.randrange(0, 40) * 250)
    word = rng.choice(CUSTOMER_WORDS)
    kind = rng.choice(CUSTOMER_KINDS)
    customer = f"{word} {kind}"
    domain = f"{word}-{kind}-{number}.history.example".lower()
    deal = Deal(
        tenant=tenant,
        partner=owner.partner,
        owner=owner,
        customer_name=customer,
        customer_website=domain,
        customer_domain=domain,
        customer_core=company_core(customer),
        customer_key=domain,
        country=owner.partner.country if owner.partner else "US",
        contact_name="Pat Buyer",
        contact_email=f"pat@{domain}",
        amount=amount,
        currency=currency,
        expected_close_on=(submitted + timedelta(days=rng.randrange(30, 120))).date(),
        deal_type=rng.choice([Deal.Type.NEW, Deal.Type.NEW, Deal.Type.UPSELL, Deal.Type.RENEWAL]),
        submitted_at=submitted,
        sla_due_at=due,
        decided_at=decided,
        decided_by_id=cam.user_id,
        decision_hours=Decimal(str(hours)),
    )
    if rng.random() < 0.12:
        deal.status = S.REJECTED
        deal.reject_reason = rng.choice(reasons) if reasons else None
        return deal
    deal.approved_at = decided
    deal.expires_at = decided + timedelta(days=settings.protection_days)
    close_on = (decided + timedelta(days=rng.randrange(14, 100))).date()
    fate = rng.random()
    if close_on <= closes_by and fate < 0.78:
        won = fate < 0.48
        deal.status = S.WON if won else S.LOST
        deal.closed_on = close_on
        if won:
            deal.won_amount = (amount * Decimal(str(rng.uniform(0.85, 1.1)))).quantize(
                Decimal("0.01")
            )
        else:
            deal.lost_reason = rng.choice(
                ["Chose a competitor", "Budget cut", "Project postponed", "No decision"]
            )
        return deal
    if deal.expires_at < now:
        deal.status = S.EXPIRED
        return deal
    if closes_by < now.date() - timedelta(days=1):
        return None  # an earlier partner's registration still open: not before its story
    deal.status = S.APPROVED  # still open and protected: it holds its customer
    deal.holds_claim = True
    return deal


def _sign_ins(tenant: Tenant, rng: random.Random, today: date, weights: dict[int, float]) -> None:
    """Partner users sign in on a few weekdays of the months they are active in: each user
    is active in a month with their own likelihood (busier companies' users more often, and a
    little more often as the year goes on), so the monthly active rate is neither 0 nor 100 %."""
    first = _months_back(month_of(today).start, 11)
    rows = []
    for membership in Membership.objects.filter(
        tenant=tenant, partner_id__in=list(weights), role__in=sorted(PARTNER_ROLES), is_active=True
    ):
        keen = min(0.9, 0.45 + 0.15 * weights.get(membership.partner_id or 0, 0.5))
        keen *= rng.uniform(0.5, 1.1)  # some people sign in rarely
        joined = membership.created_at.date()
        for back in range(11, -1, -1):
            month = month_of(_months_back(first, -(11 - back)))
            if month.end < joined or rng.random() > keen * (0.8 + 0.25 * (11 - back) / 11):
                continue
            start = max(month.start, joined)
            span = (min(month.end, today) - start).days + 1
            if span <= 0:
                continue
            for _ in range(rng.randrange(1, 9)):
                day = start + timedelta(days=rng.randrange(span))
                if day.weekday() < 5:
                    rows.append(SignInDay(tenant=tenant, membership=membership, day=day))
    SignInDay.objects.bulk_create(rows, ignore_conflicts=True)


def _training(
    tenant: Tenant,
    rng: random.Random,
    zone: ZoneInfo,
    now: datetime,
    today: date,
    added: set[int],
) -> None:
    """The added companies' users start courses over the year and most finish them."""
    courses = list(
        Course.objects.filter(
            tenant=tenant,
            status=Course.Status.PUBLISHED,
            current_version__isnull=False,
            segments__isnull=True,
        ).select_related("current_version")
    )
    if not courses:
        return
    modules = dict(
        VersionModule.objects.filter(version__in=[c.current_version_id for c in courses])
        .values("version")
        .annotate(n=Count("pk"))
        .values_list("version", "n")
    )
    rows = []
    for membership in Membership.objects.filter(
        tenant=tenant, partner_id__in=list(added), role__in=sorted(PARTNER_ROLES)
    ):
        since = max(today - timedelta(days=364), membership.created_at.date())
        span = (today - since).days
        for course in rng.sample(courses, k=min(len(courses), rng.randrange(2, 5))):
            started = datetime.combine(
                since + timedelta(days=rng.randrange(max(span, 1))),
                time(rng.randrange(8, 18)),
                zone,
            )
            version = course.current_version
            assert version is not None
            finished = started + timedelta(days=rng.randrange(2, 40), hours=rng.randrange(1, 6))
            done = rng.random() < 0.7 and finished < now
            rows.append(
                Enrolment(
                    tenant=tenant,
                    course=course,
                    version=version,
                    membership=membership,
                    started_at=started,
                    completed_modules=modules.get(version.pk, 0) if done else 0,
                    minutes_done=version.module_minutes if done else 0,
                    completed_at=finished if done else None,
                )
            )
    Enrolment.objects.bulk_create(rows, ignore_conflicts=True)
