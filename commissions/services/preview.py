"""The "what would this deal earn" preview: the engine's answer for a deal, won or open, or for
a deal's facts typed in, with every step of the calculation shown. It writes nothing."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Deal, Product, number_in
from partners.models import Partner
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..accrual import statement_period, won_before
from ..engine import Calculation, DealFacts, Rules, calculate, explain, version_in_force
from ..models import PlanVersion, TypeRate
from ..setup import commission_settings


@dataclass(frozen=True)
class Preview:
    """What a deal would earn and why (`calculation` is None when no version is in force)."""

    deal: Deal | None
    partner: Partner
    amount: Decimal
    currency: str
    deal_type: str
    closed_on: date
    products: list[Product]
    version: PlanVersion | None
    type_rate: TypeRate | None
    points: Decimal
    override: Decimal | None
    won_before: Decimal
    multiplier: Decimal
    calculation: Calculation | None

    @property
    def explanation(self) -> str:
        return explain(self.calculation.basis) if self.calculation is not None else ""

    @property
    def deal_type_label(self) -> str:
        return str(dict(Deal.Type.choices).get(self.deal_type, self.deal_type))

    @property
    def accelerated(self) -> Decimal | None:
        """The part of the amount above the quota (None: no accelerator applied)."""
        found = self.basis.get("accelerated")
        return Decimal(found) if found else None

    @property
    def accelerated_rate(self) -> Decimal | None:
        found = self.basis.get("accelerated_rate")
        return Decimal(found) if found else None

    @property
    def basis(self) -> dict[str, Any]:
        return self.calculation.basis if self.calculation is not None else {}


def _deal(membership: Membership, reference: str) -> Deal:
    number = number_in(reference)
    deals: QuerySet[Deal] = Deal.objects.filter(
        tenant_id=membership.tenant_id, partner__in=visible_partners(membership)
    ).select_related("partner__partner_type", "partner__tier")
    found = deals.filter(number=number).first() if number is not None else None
    if found is None:
        raise ValidationError({"deal": _("No deal you can see has this reference.")})
    return found


def deal_preview(
    *,
    membership: Membership,
    deal: str = "",
    partner: Partner | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    deal_type: str = "",
    products: Any = (),
    closed_on: date | None = None,
) -> Preview:
    """What a deal would earn under the version in force on its close date: a deal by its
    reference (a won deal's final amount and close date; an open deal's amount and expected
    close date, else today) or the facts given. The partner's type and tier are today's; the
    accelerator counts what the partner won before the deal in its statement period.
    Raises ValidationError for a reference the member cannot see."""
    tenant = membership.tenant
    today = timezone.localdate()
    found: Deal | None = None
    if deal:
        found = _deal(membership, deal)
        partner = found.partner
        amount = found.won_amount if found.won_amount is not None else found.amount
        currency = found.currency
        deal_type = found.deal_type
        closed_on = found.closed_on or found.expected_close_on or today
        chosen = list(found.products.order_by("name"))
    else:
        chosen = list(products or [])
    if partner is None or amount is None:
        raise ValidationError(_("Choose a deal, or a partner and an amount."))
    if partner.tenant_id != tenant.pk:
        raise ValueError("A partner of another tenant.")
    closed_on = closed_on or today
    deal_type = deal_type or Deal.Type.NEW
    currency = currency or tenant.default_currency
    version = version_in_force(tenant, closed_on)
    settings = commission_settings(tenant)
    period = statement_period(settings, closed_on)
    before = Decimal(0)
    calculation = None
    type_rate = None
    points = Decimal(0)
    override = None
    multiplier = Decimal(1)
    if version is not None:
        if found is not None and found.status == Deal.Status.WON and found.closed_on:
            before = won_before(found, period, version.currency)
        else:
            before = _won_so_far(partner, period.start, closed_on, version.currency)
        rules = Rules.of(version)
        type_rate = (
            rules.type_rates.get(partner.partner_type_id) if partner.partner_type_id else None
        )
        points = rules.uplifts.get(partner.tier_id, Decimal(0)) if partner.tier_id else Decimal(0)
        rates = [rules.overrides[p.pk] for p in chosen if p.pk in rules.overrides]
        override = max(rates) if rates else None
        multiplier = version.multiplier_for(deal_type)
        calculation = calculate(
            rules,
            DealFacts(
                amount=Decimal(amount),
                currency=currency,
                deal_type=deal_type,
                partner_type_id=partner.partner_type_id,
                tier_id=partner.tier_id,
                product_ids=tuple(p.pk for p in chosen),
                won_before=before,
            ),
        )
    return Preview(
        deal=found,
        partner=partner,
        amount=Decimal(amount),
        currency=currency,
        deal_type=deal_type,
        closed_on=closed_on,
        products=chosen,
        version=version,
        type_rate=type_rate,
        points=points,
        override=override,
        won_before=before,
        multiplier=multiplier,
        calculation=calculation,
    )


def _won_so_far(partner: Partner, start: date, until: date, currency: str) -> Decimal:
    """What the partner won from `start` up to `until` in `currency` (the accelerator's count
    for a deal not won yet)."""
    total = Deal.objects.filter(
        tenant_id=partner.tenant_id,
        partner=partner,
        status=Deal.Status.WON,
        currency=currency,
        closed_on__range=(start, until),
    ).aggregate(total=Sum("won_amount"))["total"]
    return Decimal(total or 0)
