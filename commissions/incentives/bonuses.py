"""Tier bonuses: at a period's end, a bonus to each partner (of the rule's tier, or all) whose
metric from the core registry reached the rule's threshold over the period.

A run is a preview first (`bonus_preview`: the partners meeting each rule, with their value and
the bonus), then a post (`bonus_post`: one approved line per partner, source TIER_BONUS, keyed
`bonus:<rule>:<partner>:<period start>`, so a period is paid once however often it is run, by
hand or by beat). Each rule reads its metric for every eligible partner in one call
(`Metric.for_partners`), never per partner. The partner's tier is the one it holds when the run
is made (a partner promoted during the period counts in its new tier).

Beat (`bonuses_run_due`) runs daily and pays the period that ended most recently, during the
first `BEAT_DAYS` days after it ended and only for rules that existed by the period's end: a
rule created later pays past periods only when partner operations run them.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.events import tenant_day
from partners.models import Partner
from prm.metrics import registry
from prm.metrics.periods import Period, quarter_of, year_of
from prm.money import format_money
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant

from .. import events, ledger
from ..models import Line, TierBonusRule

if TYPE_CHECKING:
    from prm.accounts.models import User

#: the days after a period's end during which beat pays it
BEAT_DAYS = 7


def period_of(kind: str, day: date) -> Period:
    """The quarter or the year (by the rule's `period`) holding `day`."""
    return year_of(day) if kind == TierBonusRule.Period.YEAR else quarter_of(day)


def last_ended(kind: str, today: date) -> Period:
    """The quarter or year that ended most recently before `today`."""
    return period_of(kind, period_of(kind, today).start - timedelta(days=1))


def period_text(tenant: Tenant, period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": tenant_day(tenant, period.start),
        "end": tenant_day(tenant, period.end),
    }


def bonus_key(rule: TierBonusRule, partner_id: int, period: Period) -> str:
    return f"bonus:{rule.pk}:{partner_id}:{period.start.isoformat()}"


@dataclass(frozen=True)
class BonusRow:
    """A partner meeting a rule over a period: its value, the bonus, whether it was paid."""

    rule: TierBonusRule
    partner: Partner
    value: Decimal
    value_text: str
    amount: Decimal
    currency: str
    key: str
    paid: bool


def eligible_partners(rule: TierBonusRule) -> list[Partner]:
    """The rule's partners: active, of its tier when it names one."""
    partners = Partner.objects.filter(tenant_id=rule.tenant_id, status=Partner.Status.ACTIVE)
    if rule.tier_id is not None:
        partners = partners.filter(tier_id=rule.tier_id)
    return list(partners.order_by("name", "pk"))


def bonus_preview(*, tenant: Tenant, rules: list[TierBonusRule], period: Period) -> list[BonusRow]:
    """Who meets each rule over `period` (one metric call per rule), and whether each bonus
    was paid already (one query for all)."""
    rows: list[BonusRow] = []
    for rule in rules:
        try:
            metric = registry.get(rule.metric)
        except ValueError:
            continue  # a metric no app registers any more pays nobody
        partners = eligible_partners(rule)
        values = metric.for_partners(tenant, period, [p.pk for p in partners])
        for partner in partners:
            value = values.get(partner.pk, Decimal(0))
            if value >= rule.threshold:
                rows.append(
                    BonusRow(
                        rule=rule,
                        partner=partner,
                        value=value,
                        value_text=metric.format(value, currency=tenant.default_currency),
                        amount=rule.amount,
                        currency=rule.currency,
                        key=bonus_key(rule, partner.pk, period),
                        paid=False,
                    )
                )
    paid = set(
        Line.objects.filter(tenant_id=tenant.pk, key__in=[r.key for r in rows]).values_list(
            "key", flat=True
        )
    )
    return [replace(r, paid=True) if r.key in paid else r for r in rows]


def check_period(period: Period, today: date) -> None:
    if period.end >= today:
        raise ValidationError({"period": _("Choose a period that has ended.")})


def bonus_post(
    *,
    tenant: Tenant,
    rules: list[TierBonusRule],
    period: Period,
    actor: Membership | None,
    today: date | None = None,
) -> list[Line]:
    """Pay the bonuses the preview shows and that were not paid yet: one approved line per
    partner, earned on the period's last day, announced (TIER_BONUS_EARNED). `actor` None is
    beat. Idempotent by the lines' keys."""
    if actor is not None and (not actor.can("commissions.approve") or actor.tenant_id != tenant.pk):
        raise PermissionDenied(_("Only partner operations pay tier bonuses."))
    check_period(period, today or timezone.localdate())
    user: User | None = actor.user if actor is not None else None
    posted = []
    for row in bonus_preview(tenant=tenant, rules=rules, period=period):
        if row.paid:
            continue
        with transaction.atomic():
            line = ledger.post(
                partner=row.partner,
                source=Line.Source.TIER_BONUS,
                amount=row.amount,
                currency=row.currency,
                earned_on=period.end,
                actor=user,
                reason=_("%(bonus)s: %(value)s over %(period)s")
                % {
                    "bonus": row.rule.name,
                    "value": row.value_text,
                    "period": period_text(tenant, period),
                },
                key=row.key,
                tier=row.partner.tier,
                partner_type=row.partner.partner_type,
                basis={
                    "bonus": row.rule.name,
                    "rule_id": row.rule.pk,
                    "metric": row.rule.metric,
                    "value": str(row.value),
                    "threshold": str(row.rule.threshold),
                    "period": [period.start.isoformat(), period.end.isoformat()],
                },
                state=Line.State.APPROVED,
            )
            if line is None:
                continue  # paid meanwhile (another run)
            Line.objects.filter(pk=line.pk).update(approved_at=timezone.now(), approved_by=user)
            log_action(
                event=events.TIER_BONUS_EARNED,
                tenant=tenant,
                actor=user,
                obj=row.rule,
                after={
                    "partner": row.partner.name,
                    "amount": str(row.amount),
                    "currency": row.currency,
                },
                data={
                    "bonus": row.rule.name,
                    "partner": row.partner.name,
                    "partner_id": row.partner.pk,
                    "amount": format_money(row.amount, row.currency),
                    "period": period_text(tenant, period),
                },
            )
            posted.append(line)
    return posted


def bonuses_run_due(*, tenant: Tenant, today: date) -> int:
    """Beat: pay each active rule's most recently ended period (see the module's docstring);
    how many bonuses were paid."""
    paid = 0
    for kind in TierBonusRule.Period.values:
        period = last_ended(kind, today)
        if (today - period.end).days > BEAT_DAYS:
            continue
        rules = [
            rule
            for rule in TierBonusRule.objects.filter(tenant=tenant, period=kind, active=True)
            if timezone.localtime(rule.created_at).date() <= period.end
        ]
        if rules:
            paid += len(
                bonus_post(tenant=tenant, rules=rules, period=period, actor=None, today=today)
            )
    return paid
