"""The commissions app's demo data, told relative to today so every page reads the same story on
any day.

Acme pays by its plan since January of last year: resellers 20 %, referral partners 10 %,
other partners 12 %, Gold +5 points, the Acme Security Add-on at 25 %, renewals at half rate.
A SPIF runs this quarter ("each won deal of Acme Analytics earns 500").
- Northwind won Tailspin Toys the month before last: its statement was closed, approved and paid
  on the 15th with a payment reference;
- last month it won A. Datum Corporation with Acme Analytics (the SPIF paid it 500): beat
  drafted its statement on the 1st, and it waits for partner operations;
- Northwind's admin questions the A. Datum line (an open dispute);
- Wingtip Toys, won two days ago (the deals demo), is pending in the money view; MDF's paid
  claim shows there as a reimbursement.
Globex has its own plan; Initech's won deal is pending.

Everything goes through the services, played at the moment it happened (`demo.played_at`), so
histories, notifications and the ledger tell one story. The plans are seeded before the deals
demo (so its wins accrue as they happen), the rest after the MDF demo.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from deals import services as deal_services
from deals.models import Deal, Product
from partners.models import PartnerType, Tier
from prm.audit.services import audit_record
from prm.metrics.periods import month_of, quarter_of
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .incentives.rewards import reward_give
from .models import CommissionSettings, Line, Plan, Reward, SpifCampaign, Statement, TierBonusRule
from .services.disputes import dispute_raise
from .services.payouts import statement_mark_paid
from .services.plans import plan_create, version_new, version_publish, version_update
from .services.statements import period_close, statement_approve
from .setup import commissions_defaults_ensure


@dataclass(frozen=True)
class DemoPlan:
    name: str
    description: str
    default_rate: str
    #: partner type -> percent
    rates: dict[str, str]
    #: tier -> points
    points: dict[str, str]
    #: product -> percent
    overrides: dict[str, str]
    renewal: str = "1"


PLANS = {
    "acme": DemoPlan(
        name="Acme Partner Compensation Plan",
        description="What Acme pays its partners on the deals they win, by type and tier.",
        default_rate="12",
        rates={"Reseller": "20", "Referral": "10"},
        points={"Gold": "5"},
        overrides={"Acme Security Add-on": "25"},
        renewal="0.5",
    ),
    "globex": DemoPlan(
        name="Globex Partner Rewards",
        description="Globex's rewards for its network: resellers and referral partners.",
        default_rate="10",
        rates={"Reseller": "15", "Referral": "8"},
        points={},
        overrides={},
    ),
}


def _members(tenant: Tenant) -> dict[str, Membership]:
    return {
        m.user.email: m
        for m in Membership.objects.filter(tenant=tenant, is_active=True).select_related(
            "user", "partner"
        )
    }


def _staff(tenant: Tenant, role: str) -> Membership | None:
    return (
        Membership.objects.filter(tenant=tenant, role=role, is_active=True)
        .select_related("user")
        .first()
    )


def _moment(tenant: Tenant, day: date, hour: int = 10) -> datetime:
    """`day` at `hour` in the program's time zone (never in the future)."""
    at = datetime.combine(day, time(hour), tzinfo=ZoneInfo(tenant.time_zone))
    return min(at, timezone.now() - timedelta(minutes=5))


def seed_commission_plans(tenant: Tenant) -> None:
    """The tenant's settings and its plan, published from January of last year (once)."""
    story = PLANS.get(tenant.slug)
    leader = _staff(tenant, Role.PROGRAM_LEADER)
    commissions_defaults_ensure(tenant=tenant)
    if story is None or leader is None or Plan.objects.filter(tenant=tenant).exists():
        return
    CommissionSettings.objects.filter(tenant=tenant).update(
        statement_period=CommissionSettings.Period.MONTH,
        hold_days=0,
        auto_approve=True,
        reps_see_earnings=tenant.slug == "acme",
        payout_day=15,
    )
    start = date(timezone.localdate().year - 1, 1, 1)
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    tiers = {t.name: t for t in Tier.objects.filter(tenant=tenant)}
    products = {
        name: Product.objects.get_or_create(tenant=tenant, name=name)[0] for name in story.overrides
    }
    with demo.played_at(_moment(tenant, start - timedelta(days=20))):
        plan = plan_create(actor=leader, name=story.name, description=story.description)
        draft = version_new(actor=leader, plan=plan)
        version_update(
            actor=leader,
            version=draft,
            fields={
                "default_rate": Decimal(story.default_rate),
                "multiplier_renewal": Decimal(story.renewal),
                "note": "Our first plan on the portal.",
            },
            type_rates=[
                {"partner_type": types[name], "rate": Decimal(rate)}
                for name, rate in story.rates.items()
                if name in types
            ],
            uplifts=[
                {"tier": tiers[name], "points": Decimal(points)}
                for name, points in story.points.items()
                if name in tiers
            ],
            overrides=[
                {"product": products[name], "rate": Decimal(rate)}
                for name, rate in story.overrides.items()
            ],
        )
        version_publish(actor=leader, version=draft, effective_from=start)


def _won_deal(
    tenant: Tenant,
    owner: Membership,
    cam: Membership,
    *,
    customer: str,
    website: str,
    amount: str,
    product: Product,
    closed_on: date,
) -> Deal:
    """A registration submitted three weeks before it was won, approved the next day."""
    with demo.played_at(_moment(tenant, closed_on - timedelta(days=21))):
        deal = deal_services.deal_save(
            actor=owner,
            data=deal_services.DealInput(
                customer_name=customer,
                customer_website=website,
                country=str(owner.partner.country or "US") if owner.partner else "US",
                contact_name="Pat Buyer",
                contact_email=f"pat@{website}",
                contact_role="Head of IT",
                products=[product],
                amount=Decimal(amount),
                currency=tenant.default_currency,
                expected_close_on=closed_on,
                deal_type=Deal.Type.NEW,
                notes="",
            ),
            submit=True,
        )
    with demo.played_at(_moment(tenant, closed_on - timedelta(days=20))):
        deal = deal_services.deal_approve(actor=cam, deal=deal)
    with demo.played_at(_moment(tenant, closed_on, hour=16)):
        return deal_services.deal_mark_won(
            actor=owner, deal=deal, amount=Decimal(amount), closed_on=closed_on
        )


def seed_commissions(tenant: Tenant) -> None:
    """Acme's story of the module's docstring (once: a tenant with statements is left alone)."""
    if tenant.slug != "acme" or Statement.objects.filter(tenant=tenant).exists():
        return
    members = _members(tenant)
    owner, admin = members.get("rep@northwind.test"), members.get("admin@northwind.test")
    cam = members.get("cam@acme.test")
    ops = _staff(tenant, Role.PARTNER_OPS)
    leader = _staff(tenant, Role.PROGRAM_LEADER)
    if None in (owner, admin, cam, ops, leader):
        return
    assert owner is not None
    assert admin is not None
    assert cam is not None
    assert ops is not None
    assert leader is not None
    northwind = owner.partner
    assert northwind is not None
    today = timezone.localdate()
    last_month = month_of(today.replace(day=1) - timedelta(days=1))
    month_before = month_of(last_month.start - timedelta(days=1))
    quarter = quarter_of(today)
    products = {p.name: p for p in Product.objects.filter(tenant=tenant)}
    analytics = products["Acme Analytics"]

    # The SPIF of this quarter, set up on its first day.
    with demo.played_at(_moment(tenant, quarter.start, hour=9)):
        spif = SpifCampaign.objects.create(
            tenant=tenant,
            name=f"Q{(quarter.start.month - 1) // 3 + 1} Analytics push",
            description="Every deal of Acme Analytics won this quarter earns a bonus.",
            starts_on=quarter.start,
            ends_on=quarter.end,
            rule=SpifCampaign.Rule.PRODUCT,
            product=analytics,
            reward=SpifCampaign.Reward.FIXED,
            amount=Decimal("500"),
            currency=tenant.default_currency,
            budget=Decimal("10000"),
            sign_off=SpifCampaign.SignOff.AUTOMATIC,
            created_by=ops.user,
        )
        audit_record(
            tenant=tenant,
            actor=ops.user,
            action="commissions.spif.created",
            obj=spif,
            after={"name": spif.name, "budget": str(spif.budget)},
        )

    # The month before last: Tailspin Toys won, closed, approved and paid on the 15th.
    _won_deal(
        tenant,
        owner,
        cam,
        customer="Tailspin Toys",
        website="tailspintoys.example",
        amount="48000",
        product=products["Acme Cloud Suite"],
        closed_on=month_before.start + timedelta(days=13),
    )
    paid_on = last_month.start + timedelta(days=14)
    with demo.played_at(_moment(tenant, last_month.start, hour=6)):
        period_close(actor=None, tenant=tenant, period=month_before)
    statement = Statement.objects.get(
        tenant=tenant, partner=northwind, period_start=month_before.start
    )
    with demo.played_at(_moment(tenant, last_month.start + timedelta(days=2))):
        statement = statement_approve(actor=ops, statement=statement)
    with demo.played_at(_moment(tenant, paid_on, hour=11)):
        statement_mark_paid(
            actor=ops,
            statement=statement,
            paid_on=paid_on,
            reference=f"ACH-{paid_on:%Y%m%d}-0042",
        )

    # Last month: A. Datum with Acme Analytics (the SPIF pays it too); beat drafted the
    # statement on the 1st, partner operations have not approved it yet.
    datum = _won_deal(
        tenant,
        owner,
        cam,
        customer="A. Datum Corporation",
        website="adatum.example",
        amount="32000",
        product=analytics,
        closed_on=last_month.start + timedelta(days=18),
    )
    with demo.played_at(_moment(tenant, today.replace(day=1), hour=6)):
        period_close(actor=None, tenant=tenant, period=last_month)

    # Northwind's admin questions the A. Datum commission.
    line = Line.objects.filter(tenant=tenant, deal=datum, source=Line.Source.DEAL).first()
    if line is not None:
        with demo.played_at(_moment(tenant, today.replace(day=1) + timedelta(days=1), hour=9)):
            dispute_raise(
                actor=admin,
                line=line,
                message=(
                    "Our move to Gold was proposed before this deal closed: shouldn't it earn "
                    "the Gold rate (25 %) rather than 20 %?"
                ),
            )

    # A tier bonus for the quarter, and what Northwind was given that is not money.
    gold = Tier.objects.filter(tenant=tenant, name="Gold").first()
    TierBonusRule.objects.get_or_create(
        tenant=tenant,
        name="Quarterly top sellers",
        defaults={
            "tier": gold,
            "metric": "deals.won",
            "threshold": Decimal("3"),
            "period": TierBonusRule.Period.QUARTER,
            "amount": Decimal("1000"),
            "currency": tenant.default_currency,
        },
    )
    with demo.played_at(_moment(tenant, quarter.start + timedelta(days=3))):
        reward_give(
            actor=leader,
            partner=northwind,
            kind=Reward.Kind.RECOGNITION,
            title="Partner of the quarter",
            note="For the most new logos last quarter. Thank you, Northwind!",
            given_on=quarter.start + timedelta(days=3),
        )
        reward_give(
            actor=leader,
            partner=northwind,
            kind=Reward.Kind.EVENT,
            title=f"Acme Partner Summit {today.year + 1}",
            note="Two seats for your team at our partner summit in Lisbon, travel included.",
            given_on=quarter.start + timedelta(days=3),
        )
