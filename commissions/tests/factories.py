"""Rows for commissions tests: a plan, won deals with their lines, statements, disputes and
incentives in a given state.

Written as rows, not through the services (their own tests call them), but every ledger line
goes through `commissions.ledger.post`, and a statement's totals are worked out from its lines
as the services do, so the ledger and statements always add up.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commissions import ledger
from commissions.models import (
    Dispute,
    DisputeMessage,
    Line,
    PayoutBatch,
    Plan,
    PlanVersion,
    ProductOverride,
    Reward,
    SpifAward,
    SpifCampaign,
    Statement,
    StatementTotal,
    TierBonusRule,
    TierUplift,
    TypeRate,
)
from commissions.numbers import next_number
from deals.models import Deal, Product
from deals.tests.factories import DealFactory
from partners.models import Partner, PartnerType, Tier
from prm.metrics.periods import Period
from prm.tenancy.models import Membership, Tenant


def plan_rows(
    tenant: Tenant,
    *,
    partner_type: PartnerType | None = None,
    tier: Tier | None = None,
    product: Product | None = None,
    effective_from: date | None = None,
    rate: str = "10",
    points: str = "5",
    override: str = "15",
    **version_fields: Any,
) -> tuple[Plan, PlanVersion]:
    """The tenant's plan with one published version: `rate`% for `partner_type`, `points` for
    `tier`, `override`% for deals of `product` (each only when given)."""
    plan, _created = Plan.objects.get_or_create(tenant=tenant, defaults={"name": "Partner plan"})
    number = plan.versions.count() + 1
    version = PlanVersion.objects.create(
        tenant=tenant,
        plan=plan,
        number=number,
        status=PlanVersion.Status.PUBLISHED,
        effective_from=effective_from or date(timezone.localdate().year - 1, 1, 1),
        currency=tenant.default_currency,
        published_at=timezone.now(),
        **version_fields,
    )
    if partner_type is not None:
        TypeRate.objects.create(
            tenant=tenant, version=version, partner_type=partner_type, rate=Decimal(rate)
        )
    if tier is not None:
        TierUplift.objects.create(tenant=tenant, version=version, tier=tier, points=Decimal(points))
    if product is not None:
        ProductOverride.objects.create(
            tenant=tenant, version=version, product=product, rate=Decimal(override)
        )
    return plan, version


def won_deal_row(
    partner: Partner,
    owner: Membership,
    *,
    amount: Decimal | str = "50000",
    closed_on: date | None = None,
    **overrides: Any,
) -> Deal:
    """A deal of `partner` won for `amount` (first outcome: revision 1), holding no claim."""
    closed_on = closed_on or timezone.localdate() - timedelta(days=3)
    return DealFactory(
        partner=partner,
        owner=owner,
        status=Deal.Status.WON,
        amount=Decimal(amount),
        won_amount=Decimal(amount),
        closed_on=closed_on,
        close_revision=1,
        approved_at=timezone.now() - timedelta(days=30),
        **overrides,
    )


def line_row(
    partner: Partner,
    amount: Decimal | str,
    *,
    currency: str | None = None,
    source: str = Line.Source.ADJUSTMENT,
    state: str = Line.State.APPROVED,
    earned_on: date | None = None,
    **fields: Any,
) -> Line:
    """One ledger line of `partner` (an approved adjustment unless told otherwise)."""
    line = ledger.post(
        partner=partner,
        source=source,
        amount=Decimal(amount),
        currency=currency or partner.tenant.default_currency,
        earned_on=earned_on or timezone.localdate() - timedelta(days=1),
        actor=None,
        reason=fields.pop("reason", "Test line"),
        state=state,
        **fields,
    )
    assert line is not None
    return line


def statement_row(
    partner: Partner,
    period: Period,
    lines: list[Line],
    *,
    status: str = Statement.Status.DRAFT,
    **fields: Any,
) -> Statement:
    """`partner`'s statement for `period` holding `lines`, with its totals per currency (no
    opening balance)."""
    tenant = partner.tenant
    statement = Statement.objects.create(
        tenant=tenant,
        partner=partner,
        number=next_number(tenant, "last_statement_number"),
        period_start=period.start,
        period_end=period.end,
        status=status,
        **fields,
    )
    state = Line.State.PAID if status == Statement.Status.PAID else Line.State.STATEMENT
    Line.objects.filter(pk__in=[line.pk for line in lines]).update(statement=statement, state=state)
    for currency, total in ledger.lines_add_up(lines).items():
        StatementTotal.objects.create(
            tenant=tenant, statement=statement, currency=currency, lines_total=total, closing=total
        )
    return statement


def payout_batch_row(tenant: Tenant, currency: str, statements: list[Statement]) -> PayoutBatch:
    batch = PayoutBatch.objects.create(
        tenant=tenant, number=next_number(tenant, "last_batch_number"), currency=currency
    )
    Statement.objects.filter(pk__in=[s.pk for s in statements]).update(batch=batch)
    return batch


def dispute_row(line: Line, raised_by: Membership, body: str = "This rate looks wrong.") -> Dispute:
    dispute = Dispute.objects.create(
        tenant=line.tenant, line=line, partner=line.partner, raised_by=raised_by
    )
    DisputeMessage.objects.create(
        tenant=line.tenant, dispute=dispute, author=raised_by.user, from_partner=True, body=body
    )
    return dispute


def spif_row(tenant: Tenant, name: str = "Q SPIF", **overrides: Any) -> SpifCampaign:
    """A campaign running this quarter paying 500 per won deal above 10,000 (budget 5,000)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=30),
        "rule": SpifCampaign.Rule.THRESHOLD,
        "threshold": Decimal("10000"),
        "reward": SpifCampaign.Reward.FIXED,
        "amount": Decimal("500"),
        "currency": tenant.default_currency,
        "budget": Decimal("5000"),
        **overrides,
    }
    return SpifCampaign.objects.create(tenant=tenant, name=name, **values)


def spif_award_row(
    campaign: SpifCampaign, partner: Partner, deal: Deal | None = None, **fields: Any
) -> SpifAward:
    """An award of `campaign` waiting for sign-off, its amount reserved of the budget."""
    amount = Decimal(fields.pop("amount", campaign.amount or Decimal("500")))
    award = SpifAward.objects.create(
        tenant=campaign.tenant,
        campaign=campaign,
        partner=partner,
        deal=deal,
        amount=amount,
        currency=campaign.currency,
        reserved=amount,
        **fields,
    )
    SpifCampaign.objects.filter(pk=campaign.pk).update(awarded=campaign.awarded + amount)
    campaign.refresh_from_db()
    return award


def tier_bonus_row(tenant: Tenant, name: str = "Top sellers", **overrides: Any) -> TierBonusRule:
    values: dict[str, Any] = {
        "metric": "deals.won",
        "threshold": Decimal("3"),
        "amount": Decimal("1000"),
        "currency": tenant.default_currency,
        **overrides,
    }
    return TierBonusRule.objects.create(tenant=tenant, name=name, **values)


def reward_row(partner: Partner, title: str = "Partner of the quarter", **fields: Any) -> Reward:
    values: dict[str, Any] = {
        "kind": Reward.Kind.RECOGNITION,
        "given_on": timezone.localdate(),
        **fields,
    }
    return Reward.objects.create(tenant=partner.tenant, partner=partner, title=title, **values)
