"""What a deal earns under a plan version: rates, points, overrides, multipliers, accelerators,
caps, fixed amounts, other currencies; and which version is in force on a day."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.engine import DealFacts, Rules, calculate, explain, in_force, version_in_force
from commissions.models import PlanVersion, TypeRate
from commissions.tests.factories import plan_rows
from deals.tests.factories import ProductFactory
from partners.models import PartnerType, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(in_ours):
    tenant = in_ours.tenant
    reseller = PartnerType.objects.create(tenant=tenant, name="Engine reseller")
    referral = PartnerType.objects.create(tenant=tenant, name="Engine referral")
    gold = Tier.objects.create(tenant=tenant, name="Engine gold", rank=7)
    product = ProductFactory(tenant=tenant, name="Engine product")
    _plan, version = plan_rows(
        tenant,
        partner_type=reseller,
        tier=gold,
        product=product,
        rate="20",
        points="5",
        override="30",
        effective_from=date(2020, 1, 1),
        default_rate=Decimal("2"),
    )
    TypeRate.objects.create(
        tenant=tenant, version=version, partner_type=referral, method="fixed", fixed_amount=750
    )
    return {
        "tenant": tenant,
        "version": version,
        "reseller": reseller,
        "referral": referral,
        "gold": gold,
        "product": product,
    }


def facts(amount="10000", currency="EUR", **fields):
    values = {"deal_type": "new", "partner_type_id": None, "tier_id": None, **fields}
    return DealFacts(amount=Decimal(amount), currency=currency, **values)


def test_a_partner_type_earns_its_percent_of_the_final_amount(setup):
    rules = Rules.of(setup["version"])
    result = calculate(rules, facts(partner_type_id=setup["reseller"].pk))
    assert result.amount == Decimal("2000.00")
    assert result.currency == "EUR"


def test_a_tier_adds_its_points_to_the_rate(setup):
    rules = Rules.of(setup["version"])
    result = calculate(rules, facts(partner_type_id=setup["reseller"].pk, tier_id=setup["gold"].pk))
    assert result.amount == Decimal("2500.00")  # 25%
    assert "25%" in explain(result.basis)


def test_a_product_override_replaces_the_type_rate_and_keeps_the_points(setup):
    rules = Rules.of(setup["version"])
    result = calculate(
        rules,
        facts(
            partner_type_id=setup["reseller"].pk,
            tier_id=setup["gold"].pk,
            product_ids=(setup["product"].pk,),
        ),
    )
    assert result.amount == Decimal("3500.00")  # 30% + 5 points


def test_a_type_without_its_own_rate_earns_the_default(setup):
    result = calculate(Rules.of(setup["version"]), facts())
    assert result.amount == Decimal("200.00")


def test_a_fixed_amount_is_paid_in_the_versions_currency_whatever_the_deal(setup):
    rules = Rules.of(setup["version"])
    result = calculate(
        rules, facts(amount="99999", currency="USD", partner_type_id=setup["referral"].pk)
    )
    assert (result.amount, result.currency) == (Decimal("750.00"), "EUR")


def test_the_deal_type_multiplies_the_result(setup):
    version = setup["version"]
    version.multiplier_renewal = Decimal("0.5")
    version.save()
    result = calculate(
        Rules.of(version), facts(partner_type_id=setup["reseller"].pk, deal_type="renewal")
    )
    assert result.amount == Decimal("1000.00")


def test_the_cap_limits_a_deal_in_the_versions_currency_only(setup):
    version = setup["version"]
    version.cap_per_deal = Decimal("1500")
    version.save()
    rules = Rules.of(version)
    capped = calculate(rules, facts(partner_type_id=setup["reseller"].pk))
    other = calculate(rules, facts(currency="USD", partner_type_id=setup["reseller"].pk))
    assert capped.amount == Decimal("1500.00")
    assert "capped" in explain(capped.basis)
    assert (other.amount, other.currency) == (Decimal("2000.00"), "USD")


def test_the_accelerator_pays_the_higher_rate_on_the_part_above_the_quota(setup):
    rate = TypeRate.objects.get(version=setup["version"], partner_type=setup["reseller"])
    rate.quota = Decimal("25000")
    rate.accelerated_rate = Decimal("30")
    rate.save()
    rules = Rules.of(setup["version"])
    below = calculate(rules, facts(partner_type_id=setup["reseller"].pk, won_before=Decimal(0)))
    across = calculate(
        rules, facts(partner_type_id=setup["reseller"].pk, won_before=Decimal("20000"))
    )
    above = calculate(
        rules, facts(partner_type_id=setup["reseller"].pk, won_before=Decimal("40000"))
    )
    assert below.amount == Decimal("2000.00")
    assert across.amount == Decimal("2500.00")  # 5,000 at 20% + 5,000 at 30%
    assert above.amount == Decimal("3000.00")


def test_a_line_is_quantized_once_at_the_end(setup):
    version = setup["version"]
    version.multiplier_new = Decimal("1.005")
    version.save()
    # 0.333...% of 100.01 × 1.005: rounding each step would give another cent
    rate = TypeRate.objects.get(version=version, partner_type=setup["reseller"])
    rate.rate = Decimal("0.3333")
    rate.save()
    result = calculate(
        Rules.of(version), facts(amount="100.01", partner_type_id=setup["reseller"].pk)
    )
    exact = Decimal("100.01") * Decimal("0.3333") / 100 * Decimal("1.005")
    assert result.amount == exact.quantize(Decimal("0.01"))


def test_the_version_in_force_is_the_latest_published_one_started_by_the_day(setup):
    tenant, first = setup["tenant"], setup["version"]
    later = PlanVersion.objects.create(
        tenant=tenant,
        plan=first.plan,
        number=first.plan.versions.count() + 1,
        status=PlanVersion.Status.PUBLISHED,
        effective_from=date(2030, 1, 1),
        currency="EUR",
    )
    PlanVersion.objects.create(
        tenant=tenant,
        plan=first.plan,
        number=first.plan.versions.count() + 1,
        effective_from=date(2022, 1, 1),
        currency="EUR",
    )  # a draft is never in force
    assert version_in_force(tenant, date(2019, 12, 31)) is None
    assert version_in_force(tenant, date(2024, 6, 1)) == first
    assert version_in_force(tenant, date(2030, 1, 1)) == later
    assert in_force([later, first], date(2029, 12, 31)) == first
    assert version_in_force(tenant, date(2022, 6, 1)) == first
