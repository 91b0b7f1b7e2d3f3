"""Registering: a partner saves, submits and withdraws a registration."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.money import quantize
from prm.notifications.events import emit
from prm.notifications.log import log_action
from prm.notifications.services import notifications_read_for
from prm.sla import add_business_hours
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from .. import events
from ..conflicts import Candidate, Customer, Outcome, find_candidates, verdict_for
from ..events import event_data, tenant_day
from ..models import Deal, DealMatch, Product
from ..workflow import DEALS
from .access import require_gate, require_partner_user
from .locks import lock_claims


@dataclass(frozen=True)
class DealInput:
    """What a partner types to register a deal (the portal form's cleaned data)."""

    customer_name: str
    customer_website: str
    country: str
    contact_name: str
    contact_email: str
    contact_role: str
    products: list[Product]
    amount: Decimal
    currency: str
    expected_close_on: date
    deal_type: str
    notes: str


def _apply_input(deal: Deal, data: DealInput) -> None:
    tenant_id = deal.tenant_id
    foreign = [p for p in data.products if p.tenant_id != tenant_id or not p.is_active]
    if foreign or not data.products:
        raise ValidationError({"products": _("Choose at least one of the offered products.")})
    if not Customer.of(data.customer_name, data.customer_website).core:
        raise ValidationError({"customer_name": _("Enter the customer's company name.")})
    key_before = deal.customer_key
    for name in (
        "customer_name", "customer_website", "country", "contact_name", "contact_email",
        "contact_role", "currency", "expected_close_on", "deal_type", "notes",
    ):  # fmt: skip
        setattr(deal, name, getattr(data, name))
    deal.amount = quantize(data.amount, data.currency)
    normalise_customer(deal)
    if deal.holds_claim and deal.customer_key != key_before:
        # Another customer now: the claim is decided again when it is resubmitted.
        deal.holds_claim = False


def normalise_customer(deal: Deal) -> Customer:
    """Store the customer's normalised domain, name core and claim key on the row."""
    customer = Customer.of(deal.customer_name, deal.customer_website)
    deal.customer_domain = customer.domain
    deal.customer_core = customer.core
    deal.customer_key = customer.claim_key
    return customer


def deal_save(
    *, actor: Membership, data: DealInput, deal: Deal | None = None, submit: bool = False
) -> Deal:
    """Create a draft registration, or change a draft or one sent back for information;
    with `submit`, submit it in the same transaction (see `deal_submit`).

    Raises PermissionDenied for anyone but the company's users (a rep: their own deals),
    TransitionError when the status allows no change, ValidationError for bad input.
    """
    if deal is None and submit:
        return _register(actor, data)
    with transaction.atomic():
        if deal is None:
            deal = _new_deal(actor)
            created = True
        else:
            deal = lock_row(deal)
            require_partner_user(actor, deal)
            DEALS.require(deal, "edit")
            created = False
        _apply_input(deal, data)
        deal.save()
        deal.products.set(data.products)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="deals.deal.created" if created else "deals.deal.changed",
            obj=deal,
            after={
                "customer": deal.customer_name,
                "amount": str(deal.amount),
                "currency": deal.currency,
            },
        )
        if submit:
            deal = deal_submit(actor=actor, deal=deal)
    return deal


def _new_deal(actor: Membership) -> Deal:
    """A new registration of the actor's company, unsaved (the company's users only, once the
    company accepted the agreement the program requires)."""
    partner = actor.partner
    if partner is None or not actor.can("portal.deals"):
        raise PermissionDenied
    require_gate(partner)
    return Deal(tenant=actor.tenant, partner=partner, owner=actor)


def _register(actor: Membership, data: DealInput) -> Deal:
    """Register and submit at once ("Submit registration" on a new registration).

    What `deal_save` then `deal_submit` would do, with the same checks, audit and events, but
    written once: the claim is decided before the row exists, so the registration is inserted
    already submitted (no draft inserted, locked and updated), and nothing can have matched it
    before. One audit event records it, with what was typed.
    """
    with transaction.atomic():
        deal = _new_deal(actor)
        _apply_input(deal, data)
        target = DEALS.require(deal, "submit").target  # a new registration is a draft
        assert target is not None
        _require_complete(deal, has_products=True)  # _apply_input refuses an empty list
        candidates = _decide_claim(deal)
        deal.status = target
        try:
            deal.save(force_insert=True)
        except IntegrityError:
            # Only reachable if a claim was taken without the lock (the index still holds):
            # nothing is kept, and the partner submits again.
            raise ValidationError(
                _("Another registration took this customer a moment ago: submit again.")
            ) from None
        deal.products.add(*data.products)
        _store_matches(deal, candidates)
        log_action(
            event=events.DEAL_REGISTERED,
            tenant=deal.tenant,
            actor=actor.user,
            obj=deal,
            action="deals.deal.submitted",
            # It was never a draft anyone could see: the history starts at "submitted".
            before={},
            after={
                "status": deal.status,
                "customer": deal.customer_name,
                "amount": str(deal.amount),
                "currency": deal.currency,
                "conflict_with": deal.conflict_with.reference if deal.conflict_with else "",
            },
            data=event_data(deal, due=tenant_day(deal.tenant, deal.sla_due_at)),
        )
        _announce_conflict(deal, actor)
    return deal


def deal_submit(*, actor: Membership, deal: Deal) -> Deal:
    """Submit a draft (or resubmit one sent back for information) for a CAM's decision.

    Runs the conflict check under the tenant's claim lock: when another partner's registration
    holds the customer this one is recorded as a conflict pointing at it (and the CAMs are told);
    otherwise it takes the claim. The candidate matches are stored for the CAM. The decision
    clock starts. Refused when the company already holds this customer itself.
    """
    with transaction.atomic():
        deal = DEALS.transition(
            deal,
            "submit",
            actor=actor.user,
            authorize=lambda row: require_partner_user(actor, row),
            prepare=_claim_or_conflict,
            save=_save_claim_if_free,
            after=lambda row: {
                "conflict_with": row.conflict_with.reference if row.conflict_with else ""
            },
            audit="deals.deal.submitted",
            event=events.DEAL_REGISTERED,
            data=lambda row: {"due": tenant_day(row.tenant, row.sla_due_at)},
        )
        _announce_conflict(deal, actor)
        # A resubmission answers the CAM's question: its notice is dealt with.
        notifications_read_for(user=actor.user, subject=deal)
    return deal


def _announce_conflict(deal: Deal, actor: Membership) -> None:
    """Tell the CAMs when the registration just submitted is a conflict."""
    if deal.conflict_with is not None:
        emit(
            events.DEAL_CONFLICT.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal),
        )


def _claim_or_conflict(deal: Deal) -> None:
    """Under the claim lock: take the claim, or point at the registration holding it; store the
    candidate matches and start the decision clock."""
    require_gate(deal.partner)
    _require_complete(deal)
    submitted_before = deal.submitted_at is not None
    candidates = _decide_claim(deal)
    if submitted_before:  # a draft never submitted has no matches yet
        DealMatch.objects.filter(deal=deal).delete()
    _store_matches(deal, candidates)


def _decide_claim(deal: Deal) -> list[Candidate]:
    """Under the claim lock: take the claim, or point at the registration holding it, and start
    the decision clock; the candidate matches found are returned, to store once the row exists.
    Refused when the company already holds this customer itself."""
    tenant = deal.tenant
    settings = lock_claims(tenant)
    # Under the lock, read afresh: a company offboarded meanwhile claims nothing
    # (partner_exit releases, under the same lock, what was submitted before).
    if Partner.objects.get(pk=deal.partner_id).access_ended:
        raise PermissionDenied(_("Your company's access to this partner program has ended."))
    customer = normalise_customer(deal)
    candidates = find_candidates(
        tenant=tenant, customer=customer, partner_id=deal.partner_id, exclude_deal_id=deal.pk
    )
    verdict = verdict_for(candidates)
    if verdict.outcome == Outcome.OWN and verdict.own_deal is not None:
        raise ValidationError(
            _(
                "Your company already registered this customer (%(ref)s). Work that "
                "registration, or withdraw it first."
            )
            % {"ref": verdict.own_deal.reference}
        )
    holder = verdict.holder
    now = timezone.now()
    deal.conflict_with = holder
    deal.holds_claim = holder is None
    deal.submitted_at = now
    deal.sla_due_at = add_business_hours(now, settings.sla_hours, tenant.time_zone)
    deal.escalation_level = 0
    deal.decision_note = ""
    return candidates


def _store_matches(deal: Deal, candidates: list[Candidate]) -> None:
    """The candidate matches, for the CAM to weigh (no query when there are none)."""
    if not candidates:
        return
    DealMatch.objects.bulk_create(
        DealMatch(
            tenant=deal.tenant,
            deal=deal,
            kind=c.kind,
            matched_deal=c.deal,
            account=c.account,
            score=Decimal(str(round(c.score, 3))),
            on_domain=c.on_domain,
            is_strong=c.is_strong,
        )
        for c in candidates
    )


def _save_claim_if_free(deal: Deal) -> None:
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError:
        # Only reachable if a claim was taken without the lock: the index still holds.
        deal.holds_claim = False
        deal.save()


def _require_complete(deal: Deal, *, has_products: bool | None = None) -> None:
    """A draft made from a lead lacks what only the partner knows: refuse to submit it so.
    `has_products` when the caller knows (else the saved products are counted)."""
    errors = {}
    if not (deal.products.exists() if has_products is None else has_products):
        errors["products"] = _("Choose at least one of the offered products.")
    if deal.amount <= 0:
        errors["amount"] = _("Enter the expected amount of the deal.")
    if deal.expected_close_on < timezone.localdate():
        errors["expected_close_on"] = _("The expected close date has passed: update it.")
    if errors:
        raise ValidationError(errors)


def deal_withdraw(*, actor: Membership, deal: Deal, reason: str = "") -> Deal:
    """The partner takes a registration back; its claim on the customer ends. Withdrawing a
    draft tells nobody (nobody else knew of it)."""
    with transaction.atomic():
        return DEALS.transition(
            deal,
            "withdraw",
            actor=actor.user,
            authorize=lambda row: require_partner_user(actor, row),
            changes={"holds_claim": False},
            reason=reason,
            event=events.DEAL_WITHDRAWN,
            silent_from={Deal.Status.DRAFT},
        )
