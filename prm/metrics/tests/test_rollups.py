"""Roll-ups: for random small data, every scope's figure from `evaluate` equals a direct SQL
computation over the raw rows, written here independently of the engine.

Hypothesis draws a tenant's partners (in tiers, types and regions), exchange rates and deals in
several currencies (statuses, submission, decision and close days, decision hours, SLA due
times). Each example writes its rows with `bulk_create` in a savepoint that is rolled back. For
every period and every group of every scope (the program, each partner, each tier, type and
region, and overlapping groups given by `by_map`), the test asks PostgreSQL directly over the
group's partners' rows: a ratio is the ratio of the sums, a median `percentile_cont(0.5)` of
the underlying rows, money is summed per currency and converted at the rate in force on the
period's last day, and a currency without a rate is left out and listed in `table.missing` —
never added unconverted.

Timestamps are drawn at noon UTC so that the day a row counts in is the same in any time zone
the engine's `__date` lookups may run in.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection, transaction
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deals.models import Deal
from partners.models import Partner, PartnerType, Tier
from prm.exchange.models import ExchangeRate
from prm.metrics import registry
from prm.metrics.engine import (
    ALL,
    BY_PARTNER,
    BY_REGION,
    BY_TIER,
    BY_TYPE,
    PROGRAM,
    by_map,
    evaluate,
)
from prm.metrics.periods import Period
from prm.normalize import company_core
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db

S = Deal.Status
BASE = date(2026, 1, 1)  # day 0 of the drawn days
DEFAULT = "USD"  # the tenant's currency
#: EUR and GBP get rates (GBP only from day 40, so early periods miss it); JPY never has one
CURRENCY_CHOICES = ["USD", "EUR", "GBP", "JPY"]
PERIODS = [
    Period(BASE, BASE + timedelta(days=30)),  # January
    Period(BASE + timedelta(days=31), BASE + timedelta(days=58)),  # February
    Period(BASE, BASE + timedelta(days=89)),  # the first quarter
    Period(BASE + timedelta(days=10), BASE + timedelta(days=49)),  # days, not whole months
]
REGIONS = ["", Partner.Region.EMEA, Partner.Region.NORTH_AMERICA]

METRICS = [
    "deals.registered",
    "deals.pipeline_registered",
    "deals.approved",
    "deals.won",
    "deals.revenue_won",
    "deals.win_rate",
    "deals.average_deal_size",
    "deals.days_to_close",
    "deals.decision_hours",
    "deals.sla_attainment",
]

partner_st = st.tuples(
    st.sampled_from([None, 0, 1, 2]),  # tier index
    st.sampled_from([None, 0, 1]),  # type index
    st.sampled_from(REGIONS),
    st.lists(st.sampled_from(["east", "west", "key"]), max_size=3, unique=True),  # by_map keys
)
deal_st = st.fixed_dictionaries(
    {
        "partner": st.integers(0, 5),
        "currency": st.sampled_from(CURRENCY_CHOICES),
        "amount": st.integers(0, 500).map(lambda n: Decimal(n * 100) + Decimal("0.37")),
        "status": st.sampled_from([S.SUBMITTED, S.APPROVED, S.REJECTED, S.WON, S.LOST]),
        "submitted": st.integers(-10, 95),
        "decide_after": st.integers(0, 20),
        # multiples of half an hour: a median of two is then exact in binary floating point
        "hours": st.one_of(st.none(), st.integers(0, 200).map(lambda n: Decimal(n) / 2)),
        "due_after": st.one_of(st.none(), st.integers(-3, 5)),
        "close_after": st.integers(0, 60),
        "won": st.integers(0, 500).map(lambda n: Decimal(n * 100) + Decimal("0.55")),
    }
)
rate_st = st.tuples(
    st.sampled_from(["EUR", "GBP"]),
    st.integers(-20, 100),  # valid from (day)
    st.integers(50, 300).map(lambda n: Decimal(n) / 200),  # 0.25 to 1.5
)


def _noon(day: int) -> datetime:
    return datetime.combine(BASE + timedelta(days=day), time(12), tzinfo=UTC)


def _build(partner_specs, deal_specs, rate_specs):
    """A fresh tenant with the drawn rows; returns (tenant, partners, tiers, types)."""
    tenant = TenantFactory(default_currency=DEFAULT)
    tiers = [Tier.objects.create(tenant=tenant, name=f"T{i}", rank=i + 1) for i in range(3)]
    types = [PartnerType.objects.create(tenant=tenant, name=f"Type {i}") for i in range(2)]
    partners = Partner.objects.bulk_create(
        [
            Partner(
                tenant=tenant,
                name=f"P{i}",
                status=Partner.Status.ACTIVE,
                tier=None if tier is None else tiers[tier],
                partner_type=None if kind is None else types[kind],
                region=region,
                joined_on=BASE - timedelta(days=100),
            )
            for i, (tier, kind, region, _keys) in enumerate(partner_specs)
        ]
    )
    owner = MembershipFactory(tenant=tenant, partner=partners[0], role=Role.PARTNER_REP)
    deals = []
    for i, spec in enumerate(deal_specs):
        partner = partners[spec["partner"] % len(partners)]
        status = spec["status"]
        submitted = _noon(spec["submitted"])
        decided = approved = due = None
        hours = None
        if status != S.SUBMITTED:
            decided = submitted + timedelta(days=spec["decide_after"])
            hours = spec["hours"]
            if spec["due_after"] is not None:
                due = submitted + timedelta(days=spec["due_after"])
            if status != S.REJECTED:
                approved = decided
        closed_on = won = None
        if status in (S.WON, S.LOST):
            closed_on = (decided + timedelta(days=spec["close_after"])).date()
            won = spec["won"] if status == S.WON else None
        deals.append(
            Deal(
                tenant=tenant,
                partner=partner,
                owner=owner,
                customer_name=f"Customer {i}",
                customer_core=company_core(f"Customer {i}"),
                customer_key=f"customer{i}.example",
                contact_name="Casey",
                contact_email="casey@customer.example",
                amount=spec["amount"],
                currency=spec["currency"],
                expected_close_on=BASE + timedelta(days=120),
                status=status,
                submitted_at=submitted,
                sla_due_at=due,
                decided_at=decided,
                decision_hours=hours,
                approved_at=approved,
                closed_on=closed_on,
                won_amount=won,
            )
        )
    Deal.objects.bulk_create(deals)
    seen = set()
    rates = []
    for currency, day, rate in rate_specs:
        if (currency, day) not in seen:
            seen.add((currency, day))
            rates.append(
                ExchangeRate(
                    tenant=tenant,
                    currency=currency,
                    valid_from=BASE + timedelta(days=day),
                    rate=rate,
                )
            )
    # every example has a EUR rate from before the first period; GBP only from day 40
    if ("EUR", -30) not in seen:
        rates.append(
            ExchangeRate(
                tenant=tenant,
                currency="EUR",
                valid_from=BASE - timedelta(days=30),
                rate=Decimal("1.1"),
            )
        )
    if ("GBP", 40) not in seen:  # a drawn rate on that day is the day's rate
        rates.append(
            ExchangeRate(
                tenant=tenant,
                currency="GBP",
                valid_from=BASE + timedelta(days=40),
                rate=Decimal("1.3"),
            )
        )
    ExchangeRate.objects.bulk_create(
        [r for r in rates if not (r.currency == "GBP" and r.valid_from < BASE + timedelta(days=40))]
    )
    return tenant, partners, tiers, types


# --- the independent computation ----------------------------------------------------------------

DEAL = Deal._meta.db_table
RATE = ExchangeRate._meta.db_table


def _sql(query: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def _in_days(column: str) -> str:
    return f"(({column}) AT TIME ZONE 'UTC')::date BETWEEN %s AND %s"


def _money(tenant, partner_ids, where: str, params: list, amount: str, period: Period):
    """(the sum in the tenant's currency rounded to cents, the currencies left out)."""
    total, missing = _sql(
        f"""
        WITH per AS (
            SELECT currency, SUM({amount}) AS s FROM {DEAL}
            WHERE tenant_id = %s AND partner_id = ANY(%s) AND {where}
            GROUP BY currency
        ), r AS (
            SELECT DISTINCT ON (currency) currency, rate FROM {RATE}
            WHERE tenant_id = %s AND valid_from <= %s ORDER BY currency, valid_from DESC
        )
        SELECT ROUND(
                   COALESCE(SUM(per.s * CASE WHEN per.currency = %s THEN 1 ELSE r.rate END), 0), 2
               ),
               ARRAY_AGG(per.currency ORDER BY per.currency) FILTER (
                   WHERE per.currency <> %s AND r.rate IS NULL AND per.s <> 0)
        FROM per LEFT JOIN r USING (currency)
        """,
        [tenant.pk, partner_ids, *params, tenant.pk, period.end, DEFAULT, DEFAULT],
    )
    return total, tuple(missing or ())


def _expected(tenant, partner_ids: list[int], period: Period) -> dict[str, tuple]:
    """Each metric's (value, missing currencies) over the rows of these partners, from SQL."""
    p = [period.start, period.end]
    base = "tenant_id = %s AND partner_id = ANY(%s)"
    submitted = _in_days("submitted_at")
    decided = _in_days("decided_at")
    approved = _in_days("approved_at")
    closed = "status IN ('won', 'lost') AND closed_on BETWEEN %s AND %s"
    won = "status = 'won' AND closed_on BETWEEN %s AND %s"
    (registered,) = _sql(
        f"SELECT COUNT(*) FROM {DEAL} WHERE {base} AND {submitted}", [tenant.pk, partner_ids, *p]
    )
    (approved_n,) = _sql(
        f"SELECT COUNT(*) FROM {DEAL} WHERE {base} AND {approved}", [tenant.pk, partner_ids, *p]
    )
    won_n, closed_n, days = _sql(
        f"""SELECT COUNT(*) FILTER (WHERE status = 'won'), COUNT(*),
                   ROUND(PERCENTILE_CONT(0.5) WITHIN GROUP (
                       ORDER BY closed_on - (submitted_at AT TIME ZONE 'UTC')::date
                   ) FILTER (WHERE status = 'won')::numeric, 0)
            FROM {DEAL} WHERE {base} AND {closed}""",
        [tenant.pk, partner_ids, *p],
    )
    hours, on_time, with_due = _sql(
        f"""SELECT ROUND((PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY decision_hours)
                          FILTER (WHERE decision_hours IS NOT NULL))::numeric, 1),
                   COUNT(*) FILTER (WHERE sla_due_at IS NOT NULL AND decided_at <= sla_due_at),
                   COUNT(*) FILTER (WHERE sla_due_at IS NOT NULL)
            FROM {DEAL} WHERE {base} AND {decided}""",
        [tenant.pk, partner_ids, *p],
    )
    pipeline = _money(tenant, partner_ids, submitted, p, "amount", period)
    revenue = _money(tenant, partner_ids, won, p, "won_amount", period)

    def ratio(numerator, denominator, scale, places):
        if not denominator:
            return None
        value = Decimal(scale) * Decimal(numerator) / Decimal(denominator)
        return value.quantize(Decimal(places), ROUND_HALF_UP)

    return {
        "deals.registered": (Decimal(registered), ()),
        "deals.pipeline_registered": pipeline,
        "deals.approved": (Decimal(approved_n), ()),
        "deals.won": (Decimal(won_n), ()),
        "deals.revenue_won": revenue,
        "deals.win_rate": (ratio(won_n, closed_n, 100, "0.1"), ()),
        "deals.average_deal_size": (ratio(revenue[0], won_n, 1, "0.01"), revenue[1]),
        "deals.days_to_close": (days, ()),
        "deals.decision_hours": (hours, ()),
        "deals.sla_attainment": (ratio(on_time, with_due, 100, "0.1"), ()),
    }


def _groups(partners, partner_specs, tiers, types):
    """Each scope and its groups: key -> the ids of the group's partners."""
    ids = [p.pk for p in partners]
    mapping = {p.pk: keys for p, (_t, _k, _r, keys) in zip(partners, partner_specs, strict=True)}
    overlapping = {
        key: [pk for pk, keys in mapping.items() if key in keys] for key in ("east", "west", "key")
    }
    return [
        (PROGRAM, {ALL: ids}),
        (BY_PARTNER, {pk: [pk] for pk in ids}),
        (
            BY_TIER,
            {k: [p.pk for p in partners if p.tier_id == k] for k in [None, *(t.pk for t in tiers)]},
        ),
        (
            BY_TYPE,
            {
                k: [p.pk for p in partners if p.partner_type_id == k]
                for k in [None, *(t.pk for t in types)]
            },
        ),
        (BY_REGION, {k: [p.pk for p in partners if p.region == k] for k in REGIONS}),
        (by_map("segment", mapping), overlapping),
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    partner_specs=st.lists(partner_st, min_size=1, max_size=6),
    deal_specs=st.lists(deal_st, max_size=18),
    rate_specs=st.lists(rate_st, max_size=4),
)
def test_every_scope_equals_sql_over_the_raw_rows(db, partner_specs, deal_specs, rate_specs):
    metrics = [registry.get(name) for name in METRICS]
    with transaction.atomic():
        tenant, partners, tiers, types = _build(partner_specs, deal_specs, rate_specs)
        # the same partners form a group in several scopes (all of them, one tier's): ask once
        known: dict[tuple[frozenset[int], Period], dict[str, tuple]] = {}
        with scope(tenant=tenant):
            for grouping, groups in _groups(partners, partner_specs, tiers, types):
                table = evaluate(tenant, metrics, PERIODS, by=grouping)
                for period in PERIODS:
                    for key, ids in groups.items():
                        ask = (frozenset(ids), period)
                        if ask not in known:
                            known[ask] = _expected(tenant, ids, period)
                        expected = known[ask]
                        for metric in metrics:
                            value, missing = expected[metric.name]
                            where = (grouping.name, metric.name, period, key)
                            assert table.get(metric, period, key) == value, where
                            assert table.missing.get((metric.name, period, key), ()) == missing, (
                                where
                            )
                    # no group the scope does not have
                    for metric in metrics:
                        assert set(table.groups(metric, period)) <= set(groups), grouping.name
        transaction.set_rollback(True)


def test_a_currency_without_a_rate_is_left_out_not_added(db):
    """The plain case the property covers: 100 USD + 100 JPY (no rate) is 100 USD, JPY listed;
    100 EUR at 1.1 adds 110."""
    spec = {
        "partner": 0,
        "status": S.SUBMITTED,
        "submitted": 3,
        "decide_after": 0,
        "hours": None,
        "due_after": None,
        "close_after": 0,
        "won": Decimal(0),
    }
    deals = [
        {**spec, "currency": "USD", "amount": Decimal(100)},
        {**spec, "currency": "JPY", "amount": Decimal(100)},
        {**spec, "currency": "EUR", "amount": Decimal(100)},
    ]
    metric = registry.get("deals.pipeline_registered")
    with transaction.atomic():
        tenant, _partners, _tiers, _types = _build([(None, None, "", [])], deals, [])
        with scope(tenant=tenant):
            table = evaluate(tenant, [metric], [PERIODS[0]])
        assert table.get(metric, PERIODS[0]) == Decimal("210.00")
        assert table.missing[(metric.name, PERIODS[0], ALL)] == ("JPY",)
        transaction.set_rollback(True)
