"""Changing partner companies: their type list, lifecycle status and assigned CAMs."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from prm.audit.services import audit_record
from prm.notifications.events import emit
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER, visible_partners
from prm.tenancy.roles import Role

from . import events
from . import tiers as tiers_mod
from .models import Partner, PartnerType, Tier, TierProposal
from .selectors import assigned_cams

DEFAULT_TYPES = [
    gettext_lazy("Reseller"),
    gettext_lazy("Referral"),
    gettext_lazy("Systems integrator"),
    gettext_lazy("Agency"),
    gettext_lazy("Affiliate"),
]

#: status -> the statuses it may move to
TRANSITIONS: dict[str, set[str]] = {
    Partner.Status.APPLICANT: {Partner.Status.ONBOARDING, Partner.Status.OFFBOARDED},
    Partner.Status.ONBOARDING: {
        Partner.Status.ACTIVE,
        Partner.Status.INACTIVE,
        Partner.Status.OFFBOARDED,
    },
    Partner.Status.ACTIVE: {Partner.Status.INACTIVE, Partner.Status.OFFBOARDED},
    Partner.Status.INACTIVE: {Partner.Status.ACTIVE, Partner.Status.OFFBOARDED},
    Partner.Status.OFFBOARDED: {Partner.Status.ONBOARDING},
}


def transition_error(old: str, new: str) -> str | None:
    """Why a partner cannot move from status `old` to `new`, or None when it can."""
    if new in TRANSITIONS.get(old, set()):
        return None
    return _("A partner that is %(old)s cannot become %(new)s.") % {
        "old": Partner.Status(old).label.lower(),
        "new": Partner.Status(new).label.lower(),
    }


def partner_types_ensure_defaults(*, tenant: Tenant) -> None:
    """Give a tenant the default partner types (reseller, referral, SI, agency, affiliate)."""
    with translation.override(tenant.language):
        PartnerType.objects.bulk_create(
            [PartnerType(tenant=tenant, name=str(name)) for name in DEFAULT_TYPES],
            ignore_conflicts=True,
        )


def partner_status_change(
    *, actor: Any, partner: Partner, status: str, reason: str, ip: str | None = None
) -> Partner:
    """Move a partner in its lifecycle, with the reason recorded and the partner's admins told.

    The first move to ACTIVE sets the joined date. Raises `ValidationError` for an empty reason
    or a move the lifecycle does not allow (offboarded partners can only start onboarding again).
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        error = transition_error(partner.status, status)
        if error:
            raise ValidationError({"status": error})
        before = partner.status
        partner.status = status
        fields = ["status"]
        if status == Partner.Status.ACTIVE and partner.joined_on is None:
            partner.joined_on = timezone.localdate()
            fields.append("joined_on")
        partner.save(update_fields=fields)
        audit_record(
            tenant=partner.tenant,
            actor=actor,
            action="partners.partner.status_changed",
            obj=partner,
            before={"status": before},
            after={"status": status},
            reason=reason.strip(),
            ip=ip,
        )
        emit(
            events.PARTNER_STATUS_CHANGED.name,
            tenant=partner.tenant,
            actor=actor,
            subject=partner,
            data={
                "partner": partner.name,
                "status": partner.get_status_display().lower(),
                "reason": reason.strip(),
            },
        )
    return partner


def partner_assign_cams(
    *, actor: Membership, partner: Partner, cams: list[Membership], ip: str | None = None
) -> None:
    """Make `cams` exactly the channel account managers of `partner` (per-object grants).

    Raises `PermissionDenied` unless the actor may assign, `ValidationError` when one of `cams`
    is not an active CAM of the partner's tenant. Newly assigned CAMs are told.
    """
    if not actor.can("partners.assign"):
        raise PermissionDenied(_("You may not assign channel account managers."))
    if partner.tenant_id != actor.tenant_id:
        raise ValidationError(_("Choose a partner company of this program."))
    for cam in cams:
        if cam.tenant_id != partner.tenant_id or cam.role != Role.CAM or not cam.is_active:
            raise ValidationError(
                {"cams": _("%(user)s is not a channel account manager here.") % {"user": cam.user}}
            )
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        current = {m.pk: m for m in assigned_cams(partner=partner)}
        wanted = {m.pk: m for m in cams}
        added = [m for pk, m in wanted.items() if pk not in current]
        removed = [m for pk, m in current.items() if pk not in wanted]
        if not added and not removed:
            return
        for m in added:
            assign_perm(MANAGE_PARTNER, m.user, partner)
        for m in removed:
            remove_perm(MANAGE_PARTNER, m.user, partner)
        audit_record(
            tenant=partner.tenant,
            actor=actor.user,
            action="partners.partner.cams_assigned",
            obj=partner,
            before={"cams": sorted(m.user.email for m in current.values())},
            after={"cams": sorted(m.user.email for m in wanted.values())},
            ip=ip,
        )
        if added:
            emit(
                events.PARTNER_CAMS_ASSIGNED.name,
                tenant=partner.tenant,
                actor=actor.user,
                subject=partner,
                data={"partner": partner.name, "added_membership_ids": [m.pk for m in added]},
            )


def tiers_evaluate(*, tenant: Tenant, today: date | None = None) -> dict[str, int]:
    """Compare every partner's earned tier with its tier and propose the moves.

    A promotion is proposed at once; a demotion only after the partner has stayed below its
    tier for the tenant's grace period. Nothing is proposed when nothing changes, and a pending
    proposal that no longer applies is withdrawn. Returns counts by outcome.
    """
    today = today or timezone.localdate()
    tiers = tiers_mod.tiers_of(tenant)
    partners = list(
        Partner.objects.filter(tenant=tenant)
        .exclude(status__in=[Partner.Status.OFFBOARDED, Partner.Status.APPLICANT])
        .select_related("tier")
    )
    values = tiers_mod.metric_values(tenant, [p.pk for p in partners], tiers, today)
    pending = {
        p.partner_id: p
        for p in TierProposal.objects.filter(tenant=tenant, status=TierProposal.Status.PENDING)
    }
    counts = {"promotions": 0, "demotions": 0, "unchanged": 0, "withdrawn": 0}
    for partner in partners:
        earned = tiers_mod.earned_tier(values[partner.pk], tiers)
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
                if (today - since).days < tenant.tier_demotion_grace_days:
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
        audit_record(
            tenant=partner.tenant,
            actor=actor.user,
            action="partners.tier.confirmed" if confirm else "partners.tier.dismissed",
            obj=partner,
            before={"tier": str(proposal.from_tier or "")},
            after={"tier": str(proposal.to_tier if confirm else proposal.from_tier or "")},
            reason=proposal.reason,
            ip=ip,
        )
        if confirm:
            Partner.objects.filter(pk=partner.pk).update(
                tier=proposal.to_tier, below_tier_since=None
            )
            emit(
                events.TIER_CHANGED.name,
                tenant=partner.tenant,
                actor=actor.user,
                subject=partner,
                data={
                    "partner": partner.name,
                    "from_tier": str(proposal.from_tier or _("no tier")),
                    "to_tier": proposal.to_tier.name,
                },
            )
    return proposal
