"""Changing tiers: the nightly evaluation's proposals, and a CAM's decision on one.

The reads are in `partners.tiers.selectors`.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.notifications.events import emit
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .. import events
from ..models import Partner, Tier, TierProposal
from ..selectors import partner_settings_for
from .selectors import earned_tier, metric_values, tiers_of


def tiers_evaluate(*, tenant: Tenant, today: date | None = None) -> dict[str, int]:
    """Compare every partner's earned tier with its tier and propose the moves.

    A promotion is proposed at once; a demotion only after the partner has stayed below its
    tier for the program's grace period (`PartnerSettings`). Nothing is proposed when nothing
    changes, and a pending proposal that no longer applies is withdrawn. Returns counts by
    outcome.
    """
    today = today or timezone.localdate()
    grace_days = partner_settings_for(tenant).tier_demotion_grace_days
    tiers = tiers_of(tenant)
    partners = list(
        Partner.objects.filter(tenant=tenant)
        .exclude(status__in=[Partner.Status.OFFBOARDED, Partner.Status.APPLICANT])
        .select_related("tier")
    )
    values = metric_values(tenant, [p.pk for p in partners], tiers, today)
    pending = {
        p.partner_id: p
        for p in TierProposal.objects.filter(tenant=tenant, status=TierProposal.Status.PENDING)
    }
    counts = {"promotions": 0, "demotions": 0, "unchanged": 0, "withdrawn": 0}
    for partner in partners:
        earned = earned_tier(values[partner.pk], tiers)
        current_rank = partner.tier.rank if partner.tier else 0
        earned_rank = earned.rank if earned else 0
        proposal = pending.get(partner.pk)
        with transaction.atomic():
            if earned_rank == current_rank or earned is None:
                if partner.below_tier_since is not None:
                    Partner.objects.filter(pk=partner.pk).update(below_tier_since=None)
                if proposal is not None:
                    _withdraw(proposal)
                    counts["withdrawn"] += 1
                counts["unchanged"] += 1
                continue
            promotion = earned_rank > current_rank
            if not promotion:
                since = partner.below_tier_since or today
                if partner.below_tier_since is None:
                    Partner.objects.filter(pk=partner.pk).update(below_tier_since=today)
                if (today - since).days < grace_days:
                    counts["unchanged"] += 1
                    continue
            if proposal is not None and proposal.to_tier_id == earned.pk:
                counts["unchanged"] += 1
                continue
            if proposal is not None:
                _withdraw(proposal)
                counts["withdrawn"] += 1
            _propose(partner, earned, promotion, values[partner.pk])
            counts["promotions" if promotion else "demotions"] += 1
    return counts


def _withdraw(proposal: TierProposal) -> None:
    TierProposal.objects.filter(pk=proposal.pk).update(
        status=TierProposal.Status.WITHDRAWN, decided_at=timezone.now()
    )


def _propose(partner: Partner, to_tier: Tier, promotion: bool, values: dict[str, Any]) -> None:
    proposal = TierProposal.objects.create(
        tenant=partner.tenant,
        partner=partner,
        from_tier=partner.tier,
        to_tier=to_tier,
        is_promotion=promotion,
        evidence={name: str(value) for name, value in values.items()},
    )
    emit(
        events.TIER_PROPOSED.name,
        tenant=partner.tenant,
        subject=proposal,
        data={
            "partner": partner.name,
            "from_tier": str(partner.tier or _("no tier")),
            "to_tier": to_tier.name,
            "partner_id": partner.pk,
        },
    )


def tier_proposal_decide(
    *,
    actor: Membership,
    proposal: TierProposal,
    confirm: bool,
    reason: str = "",
    ip: str | None = None,
) -> TierProposal:
    """Confirm (the partner moves, its admins are told) or dismiss a pending proposal.

    Only members who see the partner may decide (a CAM: their assigned partners). Raises
    `PermissionDenied`, or `ValidationError` for a proposal already decided or a dismissal
    without a reason.
    """
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Say why you dismiss the proposal.")})
    if (
        not actor.can("partners.view")
        or not visible_partners(actor).filter(pk=proposal.partner_id).exists()
    ):
        raise PermissionDenied(_("You may not decide for this partner."))
    with transaction.atomic():
        proposal = (
            TierProposal.objects.select_for_update(of=("self",))
            .select_related("partner", "to_tier", "from_tier")
            .get(pk=proposal.pk)
        )
        if proposal.status != TierProposal.Status.PENDING:
            raise ValidationError(_("This proposal was already decided."))
        proposal.status = (
            TierProposal.Status.CONFIRMED if confirm else TierProposal.Status.DISMISSED
        )
        proposal.decided_at = timezone.now()
        proposal.reason = reason.strip()
        proposal.save(update_fields=["status", "decided_at", "reason"])
        partner = proposal.partner
        decision: dict[str, Any] = {
            "tenant": partner.tenant,
            "actor": actor.user,
            "obj": partner,
            "before": {"tier": str(proposal.from_tier or "")},
            "after": {"tier": str(proposal.to_tier if confirm else proposal.from_tier or "")},
            "reason": proposal.reason,
            "ip": ip,
        }
        if confirm:
            Partner.objects.filter(pk=partner.pk).update(
                tier=proposal.to_tier, below_tier_since=None
            )
            log_action(
                event=events.TIER_CHANGED,
                action="partners.tier.confirmed",
                data={
                    "partner": partner.name,
                    "from_tier": str(proposal.from_tier or _("no tier")),
                    "to_tier": proposal.to_tier.name,
                },
                **decision,
            )
        else:
            # Audited only: a dismissed proposal changes nothing the partner is told about.
            audit_record(action="partners.tier.dismissed", **decision)
    return proposal
