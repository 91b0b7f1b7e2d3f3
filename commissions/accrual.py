"""Accrual: the commissions app's handlers of the deals app's outcome events.

Subscribed in `apps.py`; each runs in the transaction that changed the deal, so a deal is never
won without its commission line (or the other way round).

| event                      | what happens to the deal's commission                          |
|----------------------------|----------------------------------------------------------------|
| `deals.deal.won`           | one line under the version in force on the close date          |
| `deals.deal.amount_changed`| the standing line is reversed; a new line on the new amount    |
| `deals.deal.lost` (won)    | the standing line is reversed                                  |
| `deals.deal.reopened`      | the standing line is reversed (a new win accrues again)        |

Every line is keyed by deal, plan version and the deal's outcome revision
(`Deal.close_revision`, carried by each event), so an event delivered twice adds nothing, and
two wins racing leave one line (the unique constraint on the key).
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Deal
from prm.metrics.periods import Period, month_of, quarter_of
from prm.notifications.events import Event
from prm.notifications.log import log_action

from . import events, ledger
from .engine import Calculation, DealFacts, Rules, calculate, version_in_force
from .models import CommissionSettings, Line, PlanVersion
from .setup import commission_settings

if TYPE_CHECKING:
    from prm.accounts.models import User


def statement_period(settings: CommissionSettings, day: date) -> Period:
    """The statement period (a month or a quarter, by the tenant's setting) holding `day`."""
    if settings.statement_period == CommissionSettings.Period.QUARTER:
        return quarter_of(day)
    return month_of(day)


def won_before(deal: Deal, period: Period, currency: str) -> Decimal:
    """What the deal's partner won in `period` before this deal (by close date, then number),
    in `currency`: the accelerator's quota is filled in the order deals were won."""
    assert deal.closed_on is not None
    found = (
        Deal.objects.filter(
            tenant_id=deal.tenant_id,
            partner_id=deal.partner_id,
            status=Deal.Status.WON,
            currency=currency,
            closed_on__gte=period.start,
        )
        .filter(Q(closed_on__lt=deal.closed_on) | Q(closed_on=deal.closed_on, pk__lt=deal.pk))
        .exclude(pk=deal.pk)
        .aggregate(total=Sum("won_amount"))["total"]
    )
    return Decimal(found or 0)


def facts_of(deal: Deal, version: PlanVersion, settings: CommissionSettings) -> DealFacts:
    """A won deal's facts for the engine: its partner's type and tier as they are now (the
    accrual runs when the deal is won, so "now" is the time of the deal; the line keeps them)."""
    assert deal.closed_on is not None
    assert deal.won_amount is not None
    partner = deal.partner
    return DealFacts(
        amount=Decimal(deal.won_amount),
        currency=deal.currency,
        deal_type=deal.deal_type,
        partner_type_id=partner.partner_type_id,
        tier_id=partner.tier_id,
        product_ids=tuple(deal.products.values_list("pk", flat=True)),
        won_before=won_before(deal, statement_period(settings, deal.closed_on), version.currency),
    )


def accrual_key(deal: Deal, version: PlanVersion, revision: int) -> str:
    return f"won:{deal.pk}:{version.pk}:{revision}"


def deal_accrue(*, deal: Deal, revision: int, actor: "User | None") -> Line | None:
    """Accrue the commission of a won deal under the version in force on its close date.

    Idempotent by deal, version and outcome revision (None when that line exists, when no
    version is in force, or when the deal earns nothing). Runs in the caller's transaction,
    under the partner's accrual lock. The line is pending; it waits out the tenant's hold.
    """
    if deal.status != Deal.Status.WON or deal.closed_on is None:
        return None
    version = version_in_force(deal.tenant, deal.closed_on)
    if version is None:
        return None
    key = accrual_key(deal, version, revision)
    if Line.objects.filter(tenant_id=deal.tenant_id, key=key).exists():
        return None
    ledger.lock_partner_accruals(deal.partner_id)
    settings = commission_settings(deal.tenant)
    calculation: Calculation = calculate(Rules.of(version), facts_of(deal, version, settings))
    today = timezone.localdate()
    partner = deal.partner
    line = ledger.post(
        partner=partner,
        source=Line.Source.DEAL,
        amount=calculation.amount,
        currency=calculation.currency,
        earned_on=deal.closed_on,
        actor=actor,
        reason=_("Won %(deal)s") % {"deal": deal.reference},
        key=key,
        deal=deal,
        owner=deal.owner,
        plan_version=version,
        partner_type=partner.partner_type,
        tier=partner.tier,
        basis=calculation.basis,
        hold_until=today + timedelta(days=settings.hold_days) if settings.hold_days else None,
    )
    if line is not None:
        log_action(
            event=events.LINE_ACCRUED,
            tenant=deal.tenant,
            actor=actor,
            obj=line,
            after={"amount": str(line.amount), "currency": line.currency, "deal": deal.reference},
            data=events.line_event_data(line),
        )
    return line


def deal_reverse(*, deal: Deal, actor: "User | None", reason: str) -> list[Line]:
    """Reverse the deal's standing accrual lines, with why (audited and announced)."""
    reversals = ledger.reverse_deal(deal=deal, actor=actor, reason=reason)
    for line in reversals:
        log_action(
            event=events.LINE_REVERSED,
            tenant=deal.tenant,
            actor=actor,
            obj=line,
            after={"amount": str(line.amount), "currency": line.currency, "deal": deal.reference},
            reason=reason,
            data=events.line_event_data(line, reason=reason),
        )
    return reversals


def _revision(event: Event, deal: Deal) -> int:
    return int(event.data.get("revision", deal.close_revision))


def on_deal_won(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    deal_accrue(deal=deal, revision=_revision(event, deal), actor=event.actor)


def on_deal_amount_changed(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    revision = _revision(event, deal)
    version = version_in_force(deal.tenant, deal.closed_on) if deal.closed_on else None
    if (
        version is not None
        and Line.objects.filter(
            tenant_id=deal.tenant_id, key=accrual_key(deal, version, revision)
        ).exists()
    ):
        return  # this correction was accrued already: the event came twice
    reason = _("Final amount of %(deal)s corrected from %(old)s to %(new)s: %(why)s") % {
        "deal": deal.reference,
        "old": event.data.get("previous_amount", ""),
        "new": event.data.get("final_amount", ""),
        "why": event.data.get("reason", ""),
    }
    deal_reverse(deal=deal, actor=event.actor, reason=reason)
    deal_accrue(deal=deal, revision=revision, actor=event.actor)


def on_deal_lost(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    if not event.data.get("was_won"):
        return
    reason = _("%(deal)s lost after being won: %(why)s") % {
        "deal": deal.reference,
        "why": event.data.get("reason", ""),
    }
    deal_reverse(deal=deal, actor=event.actor, reason=reason)


def on_deal_reopened(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    reason = _("%(deal)s reopened: %(why)s") % {
        "deal": deal.reference,
        "why": event.data.get("reason", ""),
    }
    deal_reverse(deal=deal, actor=event.actor, reason=reason)
