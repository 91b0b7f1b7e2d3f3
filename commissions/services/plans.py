"""The tenant's commission plan and its versions: make the plan, draft a version (a copy of the
one in force), edit a draft's rules, publish it from a day, delete a draft.

A published version is never edited: changing how partners are paid is publishing a new
version from a day. A version may not start before the earliest open statement period (a
closed statement would otherwise disagree with the plan that paid it), and two published
versions never start on the same day (a constraint too). Publishing tells every partner whose
rate changes (`commissions.plan.changed`), found per partner type and tier at once, not
partner by partner.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.events import tenant_day
from deals.models import Deal
from partners.models import Partner
from prm.audit.services import audit_record
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant
from prm.uniques import refusing_duplicates
from prm.workflow import lock_row

from .. import events
from ..accrual import statement_period
from ..engine import DealFacts, Rules, calculate, version_in_force
from ..models import Plan, PlanVersion, ProductOverride, Statement, TierUplift, TypeRate
from ..setup import commission_settings

#: what a reference deal is worth when publishing compares what partners earn (in the
#: version's currency): rates and fixed amounts are compared on the same deal
REFERENCE_AMOUNT = Decimal(10_000)

#: the fields of a version a draft's form changes (the rules are three tables beside them)
VERSION_FIELDS = (
    "currency",
    "default_rate",
    "multiplier_new",
    "multiplier_upsell",
    "multiplier_renewal",
    "cap_per_deal",
    "note",
)


def _require(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def plan_of(tenant: Tenant) -> Plan | None:
    """The tenant's plan (there is one at most), or None before it is made."""
    return Plan.objects.filter(tenant=tenant).first()


def plan_create(*, actor: Membership, name: str, description: str = "") -> Plan:
    """Make the tenant's one plan (a second is refused by the constraint: a form error)."""
    _require(actor, "commissions.manage")
    with transaction.atomic(), refusing_duplicates():
        plan = Plan.objects.create(tenant=actor.tenant, name=name, description=description)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="commissions.plan.created",
            obj=plan,
            after={"name": name},
        )
    return plan


def earliest_start(tenant: Tenant, today: date | None = None) -> date:
    """The earliest day a version may start: the first day after the last period a statement
    was drafted for, or (before any statement) the start of the current statement period."""
    closed = Statement.objects.filter(tenant=tenant).aggregate(end=Max("period_end"))["end"]
    if closed is not None:
        return closed + timedelta(days=1)
    settings = commission_settings(tenant)
    return statement_period(settings, today or timezone.localdate()).start


def earliest_text(tenant: Tenant, earliest: date) -> str:
    """Why a version may not start before `earliest`, as the publish page says it."""
    values = {
        "day": tenant_day(tenant, earliest - timedelta(days=1)),
        "start": tenant_day(tenant, earliest),
    }
    if Statement.objects.filter(tenant=tenant).exists():
        return (
            _("Statements were drafted up to %(day)s: a version starts on %(start)s or later.")
            % values
        )
    return (
        _(
            "The current statement period starts on %(start)s: a version starts then or later "
            "(earlier deals are corrected by recalculating their period)."
        )
        % values
    )


def version_new(*, actor: Membership, plan: Plan) -> PlanVersion:
    """A new draft: a copy of the version in force today (or else the latest version), its
    rules included; a plan without versions starts from an empty draft in the tenant's
    currency. Starts tomorrow until it is published from another day."""
    _require(actor, "commissions.manage")
    tenant = actor.tenant
    today = timezone.localdate()
    with transaction.atomic():
        plan = lock_row(plan)  # two drafts at once take different numbers
        source = version_in_force(tenant, today) or plan.versions.order_by("-number").first()
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = PlanVersion(
            tenant=tenant,
            plan=plan,
            number=number,
            effective_from=max(today + timedelta(days=1), earliest_start(tenant, today)),
            currency=source.currency if source else tenant.default_currency,
            created_by=actor.user,
        )
        if source is not None:
            for name in VERSION_FIELDS:
                if name != "note":
                    setattr(draft, name, getattr(source, name))
        draft.save()
        if source is not None:
            _copy_rules(source, draft)
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="commissions.version.drafted",
            obj=draft,
            after={"version": number, "copied_from": source.number if source else ""},
        )
    return draft


def _copy_rules(source: PlanVersion, draft: PlanVersion) -> None:
    tenant_id = draft.tenant_id
    TypeRate.objects.bulk_create(
        TypeRate(
            tenant_id=tenant_id,
            version=draft,
            partner_type_id=r.partner_type_id,
            method=r.method,
            rate=r.rate,
            fixed_amount=r.fixed_amount,
            quota=r.quota,
            accelerated_rate=r.accelerated_rate,
        )
        for r in source.type_rates.all()
    )
    TierUplift.objects.bulk_create(
        TierUplift(tenant_id=tenant_id, version=draft, tier_id=u.tier_id, points=u.points)
        for u in source.tier_uplifts.all()
    )
    ProductOverride.objects.bulk_create(
        ProductOverride(tenant_id=tenant_id, version=draft, product_id=o.product_id, rate=o.rate)
        for o in source.product_overrides.all()
    )


def _draft_locked(version: PlanVersion) -> PlanVersion:
    locked = lock_row(version)
    if not locked.is_draft:
        raise ValidationError(_("A published version is never changed: draft a new version."))
    return locked


def _same_tenant(tenant_id: int, rows: Iterable[Any]) -> None:
    for row in rows:
        if row is not None and row.tenant_id != tenant_id:
            raise ValueError("A plan version names rows of another tenant.")


def version_update(
    *,
    actor: Membership,
    version: PlanVersion,
    fields: Mapping[str, Any],
    type_rates: Iterable[Mapping[str, Any]],
    uplifts: Iterable[Mapping[str, Any]],
    overrides: Iterable[Mapping[str, Any]],
) -> PlanVersion:
    """Save a draft: its own fields and its three rule tables, replaced as a whole.

    `type_rates` rows: partner_type, method, rate, fixed_amount, quota, accelerated_rate;
    `uplifts`: tier, points; `overrides`: product, rate. A partner type, tier or product named
    twice is a ValidationError (and so is the database's refusal of one, when two edits race).
    Raises ValidationError for a published version.
    """
    _require(actor, "commissions.manage")
    type_rates, uplifts, overrides = list(type_rates), list(uplifts), list(overrides)
    tenant_id = version.tenant_id
    _same_tenant(tenant_id, [r["partner_type"] for r in type_rates])
    _same_tenant(tenant_id, [u["tier"] for u in uplifts])
    _same_tenant(tenant_id, [o["product"] for o in overrides])
    for rows, key, message in (
        (type_rates, "partner_type", _("A partner type has one rate per version.")),
        (uplifts, "tier", _("A tier has one uplift per version.")),
        (overrides, "product", _("A product has one override per version.")),
    ):
        keys = [r[key].pk for r in rows]
        if len(keys) != len(set(keys)):
            raise ValidationError(message)
    with transaction.atomic(), refusing_duplicates():
        locked = _draft_locked(version)
        before = {name: str(getattr(locked, name)) for name in VERSION_FIELDS}
        for name in VERSION_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        locked.full_clean(exclude=["plan", "created_by", "published_by", "effective_from"])
        locked.save()
        locked.type_rates.all().delete()
        locked.tier_uplifts.all().delete()
        locked.product_overrides.all().delete()
        TypeRate.objects.bulk_create(
            TypeRate(
                tenant_id=tenant_id,
                version=locked,
                partner_type=r["partner_type"],
                method=r.get("method") or TypeRate.Method.PERCENT,
                rate=r.get("rate") or Decimal(0),
                fixed_amount=r.get("fixed_amount"),
                quota=r.get("quota"),
                accelerated_rate=r.get("accelerated_rate"),
            )
            for r in type_rates
        )
        TierUplift.objects.bulk_create(
            TierUplift(tenant_id=tenant_id, version=locked, tier=u["tier"], points=u["points"])
            for u in uplifts
        )
        ProductOverride.objects.bulk_create(
            ProductOverride(
                tenant_id=tenant_id, version=locked, product=o["product"], rate=o["rate"]
            )
            for o in overrides
        )
        audit_record(
            tenant=locked.tenant,
            actor=actor.user,
            action="commissions.version.changed",
            obj=locked,
            before=before,
            after={name: str(getattr(locked, name)) for name in VERSION_FIELDS},
        )
    return locked


def version_delete(*, actor: Membership, version: PlanVersion) -> None:
    """Delete a draft (a published version stays: lines name it). ValidationError otherwise."""
    _require(actor, "commissions.manage")
    with transaction.atomic():
        locked = _draft_locked(version)
        audit_record(
            tenant=locked.tenant,
            actor=actor.user,
            action="commissions.version.deleted",
            obj=locked.plan,
            after={"version": locked.number},
        )
        locked.delete()


@dataclass(frozen=True)
class PublishEffect:
    """What publishing a draft from a day would change (for the confirm page)."""

    effective_from: date
    replaces: PlanVersion | None
    partner_ids: list[int]


def _reference_earnings(rules: Rules | None, type_id: int | None, tier_id: int | None) -> tuple:
    """What a reference deal of each deal type earns under `rules` for a partner of this type
    and tier: the comparison publishing makes (None: no version, nothing earned)."""
    if rules is None:
        return ()
    found = []
    for deal_type in Deal.Type.values:
        facts = DealFacts(
            amount=REFERENCE_AMOUNT,
            currency=rules.version.currency,
            deal_type=deal_type,
            partner_type_id=type_id,
            tier_id=tier_id,
        )
        calculation = calculate(rules, facts)
        found.append((calculation.amount, calculation.currency))
    return tuple(found)


def partners_whose_rate_changes(
    tenant: Tenant, old: PlanVersion | None, new: PlanVersion
) -> list[int]:
    """The ids of the partners whose reference deals earn differently under `new` than under
    `old`: one grouped query for the partners' types and tiers, one for the affected ones."""
    old_rules = Rules.of(old) if old is not None else None
    new_rules = Rules.of(new)
    groups = (
        Partner.objects.filter(tenant=tenant)
        .order_by()
        .values_list("partner_type_id", "tier_id")
        .distinct()
    )
    changed = Q(pk__in=[])
    for type_id, tier_id in groups:
        if _reference_earnings(old_rules, type_id, tier_id) != _reference_earnings(
            new_rules, type_id, tier_id
        ):
            changed |= Q(partner_type_id=type_id, tier_id=tier_id)
    return list(
        Partner.objects.filter(tenant=tenant)
        .filter(changed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def publish_effect(version: PlanVersion, effective_from: date) -> PublishEffect:
    """What publishing `version` from `effective_from` replaces and whom it concerns."""
    tenant = version.tenant
    replaces = version_in_force(tenant, effective_from - timedelta(days=1))
    return PublishEffect(
        effective_from=effective_from,
        replaces=replaces,
        partner_ids=partners_whose_rate_changes(tenant, replaces, version),
    )


def version_publish(
    *, actor: Membership, version: PlanVersion, effective_from: date
) -> PlanVersion:
    """Publish a draft from `effective_from`: deals won from that day are paid by it.

    Refused (ValidationError on `effective_from`) before the earliest open statement period, or
    on a day another published version starts (the constraint decides a race the same way).
    Audited; `commissions.plan.changed` is emitted once per partner whose reference deals earn
    differently from the version in force the day before.
    """
    _require(actor, "commissions.manage")
    tenant = actor.tenant
    earliest = earliest_start(tenant)
    if effective_from < earliest:
        raise ValidationError({"effective_from": earliest_text(tenant, earliest)})
    with transaction.atomic(), refusing_duplicates():
        locked = _draft_locked(version)
        taken = PlanVersion.objects.filter(
            tenant=tenant,
            plan_id=locked.plan_id,
            status=PlanVersion.Status.PUBLISHED,
            effective_from=effective_from,
        ).first()
        if taken is not None:
            raise ValidationError(
                {
                    "effective_from": _("Version %(number)s starts on that day already.")
                    % {"number": taken.number}
                }
            )
        effect = publish_effect(locked, effective_from)
        locked.status = PlanVersion.Status.PUBLISHED
        locked.effective_from = effective_from
        locked.published_at = timezone.now()
        locked.published_by = actor.user
        locked.save(update_fields=["status", "effective_from", "published_at", "published_by"])
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="commissions.version.published",
            obj=locked,
            after={
                "version": locked.number,
                "effective_from": tenant_day(tenant, effective_from),
                "partners": len(effect.partner_ids),
            },
            reason=locked.note,
        )
        data = {
            "plan": str(locked.plan),
            "effective_from": tenant_day(tenant, effective_from),
            "note": locked.note,
        }
        partners = Partner.objects.filter(tenant=tenant, pk__in=effect.partner_ids).only(
            "pk", "name", "tenant_id"
        )
        for partner in partners.iterator(chunk_size=500):
            log_action(
                event=events.PLAN_CHANGED,
                tenant=tenant,
                actor=actor.user,
                obj=partner,
                action="commissions.plan.changed",
                after={"version": locked.number},
                data={**data, "partner": partner.name, "partner_id": partner.pk},
            )
    return locked
