"""SPIF campaigns: which won deals earn them, what they pay, and the budget every award reserves.

The rules (`rule_met`), for a deal won on a day inside the campaign's period by a partner of its
segment (no segment: every partner):

- **product**: the campaign's product is among the deal's products;
- **threshold**: the deal's final amount is above the threshold, in the campaign's currency —
  a deal in another currency never meets a threshold (amounts are never converted);
- **first deal**: the partner's first won deal ever (no other deal of the partner is won), and
  the partner joined (`joined_on`, else the day it was recorded) less than a year before the
  deal was won.

What an award pays: the fixed amount, or the percent of the deal's final amount. Every award is
in the campaign's currency so that the budget can always be checked: a percent campaign pays
only deals in its own currency (a deal in another currency does not earn it). The amount is
quantized once, here.

The budget: an award reserves its amount under the campaign's row lock (`awarded += amount`)
only if `awarded + amount <= budget`; the check constraint on the campaign stands behind it.
Declining or withdrawing an award gives its reservation back (its `reserved` drops to zero), so
`awarded` is always the sum of what the standing awards reserve. A deal earns a campaign once (a
unique constraint): a repeated won event adds nothing, and a deal reopened and won again does
not earn the campaign a second time.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Deal
from partners.segments.selectors import in_segment
from prm.audit.services import audit_record
from prm.money import format_money, quantize
from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners
from prm.workflow import lock_row

from .. import events, ledger
from ..models import Line, SpifAward, SpifCampaign
from ..setup import commission_settings
from .workflow import AWARDS, award_event_data

if TYPE_CHECKING:
    from prm.accounts.models import User

R = SpifCampaign.Rule
W = SpifCampaign.Reward
A = SpifAward.Status
ZERO = Decimal("0.00")
#: how recently a partner joined for its first won deal to earn a first-deal campaign
NEW_PARTNER_DAYS = 365


# Campaigns


def campaign_problems(
    *,
    rule: str | None,
    product: Any,
    threshold: Decimal | None,
    reward: str | None,
    amount: Decimal | None,
    rate: Decimal | None,
    starts_on: date | None,
    ends_on: date | None,
    budget: Decimal | None,
) -> dict[str, str]:
    """What is inconsistent in a campaign's settings, as a sentence per field (empty: none)."""
    problems: dict[str, str] = {}
    if rule == R.PRODUCT and product is None:
        problems["product"] = _("Choose the product whose won deals earn this campaign.")
    if rule != R.PRODUCT and product is not None:
        problems["product"] = _("Only a campaign earned by a product's deals names a product.")
    if rule == R.THRESHOLD and threshold is None:
        problems["threshold"] = _("Say the amount a won deal must be above.")
    if rule != R.THRESHOLD and threshold is not None:
        problems["threshold"] = _("Only a campaign earned above an amount has a threshold.")
    if threshold is not None and threshold <= 0:
        problems["threshold"] = _("The threshold is an amount above zero.")
    if reward == W.FIXED:
        if amount is None or amount <= 0:
            problems["amount"] = _("Say the fixed amount each award pays.")
        if rate is not None:
            problems["rate"] = _("A fixed reward has no percent: clear it.")
    if reward == W.PERCENT:
        if rate is None or rate <= 0:
            problems["rate"] = _("Say the percent of the deal's final amount each award pays.")
        if amount is not None:
            problems["amount"] = _("A percent reward has no fixed amount: clear it.")
    if reward == W.FIXED and amount is not None and budget is not None and amount > budget:
        problems["amount"] = _("One award would be more than the whole budget.")
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = _("The campaign ends on or after the day it starts.")
    return problems


def campaigns_running(tenant_id: int, day: date) -> QuerySet[SpifCampaign]:
    """The tenant's campaigns whose period holds `day`."""
    return SpifCampaign.objects.filter(tenant_id=tenant_id, starts_on__lte=day, ends_on__gte=day)


def is_new_partner(deal: Deal) -> bool:
    """Whether the deal's partner joined less than a year before the deal was won."""
    assert deal.closed_on is not None
    partner = deal.partner
    joined = partner.joined_on or timezone.localtime(partner.created_at).date()
    return deal.closed_on - joined < timedelta(days=NEW_PARTNER_DAYS)


def is_first_win(deal: Deal) -> bool:
    """Whether no other deal of the partner is won (call under the partner's accrual lock, so
    two first deals won at once are not both first)."""
    return not (
        Deal.objects.filter(
            tenant_id=deal.tenant_id, partner_id=deal.partner_id, status=Deal.Status.WON
        )
        .exclude(pk=deal.pk)
        .exists()
    )


def rule_met(campaign: SpifCampaign, deal: Deal, product_ids: set[int]) -> bool:
    """Whether the won deal meets the campaign's rule and currency (the module's docstring)."""
    if campaign.reward == W.PERCENT and deal.currency != campaign.currency:
        return False
    if campaign.rule == R.PRODUCT:
        return campaign.product_id in product_ids
    if campaign.rule == R.THRESHOLD:
        return (
            deal.currency == campaign.currency
            and campaign.threshold is not None
            and Decimal(deal.won_amount or 0) > campaign.threshold
        )
    if campaign.rule == R.FIRST_DEAL:
        return is_new_partner(deal) and is_first_win(deal)
    return False


def award_amount(campaign: SpifCampaign, deal: Deal) -> Decimal:
    """What the campaign pays for the deal, in the campaign's currency, quantized once."""
    if campaign.reward == W.PERCENT:
        raw = Decimal(deal.won_amount or 0) * Decimal(campaign.rate or 0) / Decimal(100)
    else:
        raw = Decimal(campaign.amount or 0)
    return quantize(raw, campaign.currency)


def rule_text(campaign: SpifCampaign) -> str:
    """What earns the campaign, as a sentence ("Each won deal of Atlas Cloud")."""
    if campaign.rule == SpifCampaign.Rule.PRODUCT:
        return _("Each won deal of %(product)s") % {"product": campaign.product}
    if campaign.rule == SpifCampaign.Rule.THRESHOLD:
        return _("Each won deal above %(amount)s") % {
            "amount": format_money(campaign.threshold, campaign.currency)
        }
    return _("A new partner's first won deal")


def pays_text(campaign: SpifCampaign) -> str:
    """What one award pays ("$500.00 per deal", "2% of the final amount")."""
    if campaign.reward == SpifCampaign.Reward.PERCENT:
        rate = (campaign.rate or Decimal(0)).normalize()
        return _("%(rate)s%% of the deal's final amount (deals in %(currency)s)") % {
            "rate": f"{rate:f}",
            "currency": campaign.currency,
        }
    return _("%(amount)s per deal") % {"amount": format_money(campaign.amount, campaign.currency)}


# Awards on a win


@dataclass(frozen=True)
class Outcome:
    """What a won deal did to one campaign: the award made, or why none was."""

    campaign: SpifCampaign
    award: SpifAward | None
    why_not: str = ""


def deal_award(*, deal: Deal, actor: "User | None") -> list[Outcome]:
    """Award the deal every campaign it earns; in the win's transaction (the won handler).

    For each campaign running on the close date whose segment holds the partner and whose rule
    the deal meets: reserve the amount under the campaign's lock if it fits the budget (else
    nothing, audited on the campaign with why), then apply it at once (a pending SPIF line) or
    queue it for sign-off. A campaign the deal earned already is skipped.
    """
    if deal.status != Deal.Status.WON or deal.closed_on is None or deal.won_amount is None:
        return []
    campaigns = list(
        campaigns_running(deal.tenant_id, deal.closed_on)
        .select_related("segment")
        .prefetch_related("segment__partner_types")
    )
    if not campaigns:
        return []
    # The first-deal rule reads the partner's other wins: one of its wins at a time.
    ledger.lock_partner_accruals(deal.partner_id)
    product_ids = set(deal.products.values_list("pk", flat=True))
    earned = set(
        SpifAward.objects.filter(
            tenant_id=deal.tenant_id, deal=deal, campaign__in=campaigns
        ).values_list("campaign_id", flat=True)
    )
    outcomes = []
    for campaign in campaigns:
        if campaign.pk in earned:
            continue
        if campaign.segment is not None and not in_segment(deal.partner, campaign.segment):
            continue
        if not rule_met(campaign, deal, product_ids):
            continue
        outcomes.append(_award(campaign, deal, award_amount(campaign, deal), actor))
    return outcomes


def _award(campaign: SpifCampaign, deal: Deal, amount: Decimal, actor: "User | None") -> Outcome:
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the win intact
            locked = lock_row(campaign)
            if SpifAward.objects.filter(campaign=locked, deal=deal).exists():
                return Outcome(locked, None, _("This deal earned the campaign already."))
            if locked.awarded + amount > locked.budget:
                why = _(
                    "%(deal)s met the rule but %(amount)s does not fit what is left of the "
                    "budget (%(left)s): no award."
                ) % {
                    "deal": deal.reference,
                    "amount": format_money(amount, locked.currency),
                    "left": format_money(locked.remaining, locked.currency),
                }
                audit_record(
                    tenant=deal.tenant,
                    actor=actor,
                    action="commissions.spif.over_budget",
                    obj=locked,
                    after={"deal": deal.reference, "amount": str(amount)},
                    reason=why,
                )
                return Outcome(locked, None, why)
            SpifCampaign.objects.filter(pk=locked.pk).update(awarded=F("awarded") + amount)
            award = SpifAward.objects.create(
                tenant_id=deal.tenant_id,
                campaign=locked,
                partner_id=deal.partner_id,
                deal=deal,
                amount=amount,
                currency=locked.currency,
                reserved=amount,
                status=A.WAITING,
            )
            if locked.sign_off == SpifCampaign.SignOff.AUTOMATIC:
                award.line = _post_line(award, actor)
                award.status = A.APPLIED
                award.decided_at = timezone.now()
                award.save(update_fields=["line", "status", "decided_at"])
                event = events.SPIF_EARNED
            else:
                event = events.SPIF_WAITING
            log_action(
                event=event,
                tenant=deal.tenant,
                actor=actor,
                obj=award,
                after={"amount": str(amount), "currency": award.currency, "status": award.status},
                data=award_event_data(award),
            )
            return Outcome(locked, award)
    except IntegrityError:
        # the constraint behind the lock: the deal's award or the budget refused by the database
        return Outcome(campaign, None, _("This deal earned the campaign already."))


def _post_line(award: SpifAward, actor: "User | None") -> Line:
    """The award's ledger line: pending like a deal's, earned on the close date, held as the
    tenant holds commissions."""
    deal = award.deal
    settings = commission_settings(award.tenant)
    today = timezone.localdate()
    line = ledger.post(
        partner=award.partner,
        source=Line.Source.SPIF,
        amount=award.amount,
        currency=award.currency,
        earned_on=deal.closed_on if deal is not None and deal.closed_on else today,
        actor=actor,
        reason=_("SPIF %(campaign)s") % {"campaign": award.campaign.name},
        key=f"spif:{award.pk}",
        deal=deal,
        owner=deal.owner if deal is not None else None,
        basis={
            "spif": award.campaign.name,
            "campaign_id": award.campaign_id,
            "rule": award.campaign.rule,
            "reward": award.campaign.reward,
            "rate": str(award.campaign.rate) if award.campaign.rate is not None else None,
        },
        hold_until=today + timedelta(days=settings.hold_days) if settings.hold_days else None,
    )
    if line is None:  # the key exists: the award's line was posted already
        line = Line.objects.get(tenant_id=award.tenant_id, key=f"spif:{award.pk}")
    return line


def _release(award: SpifAward) -> None:
    """Give the award's reservation back to its campaign's budget (under the campaign's lock)."""
    if award.reserved:
        lock_row(award.campaign)
        SpifCampaign.objects.filter(pk=award.campaign_id).update(
            awarded=F("awarded") - award.reserved
        )
        award.reserved = ZERO


# Sign-off


def require_approver(actor: Membership, award: SpifAward) -> None:
    if not actor.can("commissions.approve") or actor.tenant_id != award.tenant_id:
        raise PermissionDenied(_("Only partner operations sign SPIF awards off."))


def award_approve(*, actor: Membership, award: SpifAward) -> SpifAward:
    """Sign a waiting award off: its line is posted (pending, like a deal's) and the partner is
    told (SPIF_EARNED)."""
    with transaction.atomic():
        return AWARDS.transition(
            award,
            "approve",
            actor=actor.user,
            authorize=lambda a: require_approver(actor, a),
            prepare=lambda a: setattr(a, "line", _post_line(a, actor.user)),
            changes={"decided_at": timezone.now(), "decided_by": actor.user},
            after=lambda a: {"amount": str(a.amount), "currency": a.currency},
            event=events.SPIF_EARNED,
        )


def award_decline(*, actor: Membership, award: SpifAward, reason: str) -> SpifAward:
    """Decline a waiting award, with the reason; its reservation goes back to the budget."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the award is declined.")})
    with transaction.atomic():
        return AWARDS.transition(
            award,
            "decline",
            actor=actor.user,
            authorize=lambda a: require_approver(actor, a),
            prepare=_release,
            changes={"decided_at": timezone.now(), "decided_by": actor.user, "reason": reason},
            reason=reason,
            event=None,
            audit="commissions.spif.declined",
        )


def awards_approve(*, actor: Membership, awards: list[SpifAward]) -> int:
    """Sign several waiting awards off, each in its own transaction; how many were (an award
    someone decided meanwhile is skipped)."""
    done = 0
    for award in awards:
        if award.status != A.WAITING:
            continue
        try:
            award_approve(actor=actor, award=award)
        except ValidationError:
            continue  # decided by someone else meanwhile
        done += 1
    return done


def deal_withdraw_awards(*, deal: Deal, actor: "User | None", reason: str) -> list[SpifAward]:
    """Withdraw the deal's standing awards (it was reopened or lost after being won): a waiting
    award is declined, an applied one's line reversed; each reservation goes back to its budget.
    """

    def prepare(award: SpifAward) -> None:
        if award.status == A.APPLIED and award.line_id is not None:
            line = award.line
            assert line is not None
            if not Line.objects.filter(tenant_id=line.tenant_id, reverses=line).exists():
                reversal = ledger.reverse(line=line, actor=actor, reason=reason)
                log_action(
                    event=events.LINE_REVERSED,
                    tenant=deal.tenant,
                    actor=actor,
                    obj=reversal,
                    after={"amount": str(reversal.amount), "currency": reversal.currency},
                    reason=reason,
                    data=events.line_event_data(reversal, reason=reason),
                )
        _release(award)

    withdrawn = []
    standing = SpifAward.objects.filter(
        tenant_id=deal.tenant_id, deal=deal, status__in=[A.WAITING, A.APPLIED]
    ).select_related("campaign", "line")
    for award in standing:
        withdrawn.append(
            AWARDS.transition(
                award,
                "withdraw",
                actor=actor,
                prepare=prepare,
                changes={"decided_at": timezone.now(), "reason": reason[:500]},
                reason=reason,
                event=None,
                audit="commissions.spif.withdrawn",
            )
        )
    return withdrawn


# Selectors


def awards_visible_to(membership: Membership) -> QuerySet[SpifAward]:
    """The awards a member may see: staff, of the partners they see; a partner admin, the
    company's; a rep, those of their own deals."""
    awards = SpifAward.objects.filter(tenant_id=membership.tenant_id)
    if membership.is_vendor_staff:
        if membership.can("partners.view_all"):
            return awards
        return awards.filter(partner__in=visible_partners(membership))
    if membership.partner_id is None:
        return awards.none()
    awards = awards.filter(partner_id=membership.partner_id)
    if membership.can("portal.earnings.company"):
        return awards
    return awards.filter(deal__owner=membership)


def waiting_awards(membership: Membership) -> QuerySet[SpifAward]:
    """The awards waiting for sign-off that the member sees, oldest first."""
    return (
        awards_visible_to(membership)
        .filter(status=A.WAITING)
        .select_related("campaign", "partner", "deal")
        .order_by("created_at", "id")
    )


def campaigns_open_to(membership: Membership, today: date) -> list[SpifCampaign]:
    """The campaigns running today (or starting later) that the member's company can earn (its
    segment holds it). A first-deal campaign is shown only to a partner that has not won yet."""
    partner = membership.partner
    if partner is None:
        return []
    found = (
        SpifCampaign.objects.filter(tenant_id=membership.tenant_id, ends_on__gte=today)
        .select_related("segment", "product")
        .prefetch_related("segment__partner_types")
        .order_by("ends_on", "name")
    )
    campaigns = [c for c in found if c.segment is None or in_segment(partner, c.segment)]
    if any(c.rule == R.FIRST_DEAL for c in campaigns):
        has_won = Deal.objects.filter(
            tenant_id=membership.tenant_id, partner_id=partner.pk, status=Deal.Status.WON
        ).exists()
        joined = partner.joined_on or timezone.localtime(partner.created_at).date()
        new = today - joined < timedelta(days=NEW_PARTNER_DAYS)
        campaigns = [c for c in campaigns if c.rule != R.FIRST_DEAL or (new and not has_won)]
    return campaigns
