"""Protection window: a partner asks for more time and a CAM decides."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.notifications.events import emit
from prm.tenancy.models import Membership

from .. import events, workflow
from ..models import Deal, DealExtension
from ..selectors import deal_settings_for
from .guards import (
    date_text,
    event_data,
    lock_deal,
    require_decider,
    require_partner_user,
)


def extension_request(*, actor: Membership, deal: Deal, days: int, reason: str) -> DealExtension:
    """The partner asks to protect an approved registration for `days` more; a CAM decides."""
    settings = deal_settings_for(deal.tenant)
    errors = {}
    if not 1 <= days <= settings.max_extension_days:
        errors["days"] = _("Ask for 1 to %(max)d days.") % {"max": settings.max_extension_days}
    if not reason.strip():
        errors["reason"] = _("Say why the deal needs more time.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        deal = lock_deal(deal)
        require_partner_user(actor, deal)
        workflow.require(deal, "request_extension")
        if DealExtension.objects.filter(deal=deal, status=DealExtension.Status.PENDING).exists():
            raise ValidationError(
                _("An extension of this registration is already waiting for a decision.")
            )
        extension = DealExtension.objects.create(
            tenant=deal.tenant, deal=deal, requested_by=actor.user, days=days, reason=reason
        )
        audit_record(
            tenant=deal.tenant, actor=actor.user, action="deals.extension.requested", obj=deal,
            after={"days": days}, reason=reason,
        )  # fmt: skip
        emit(
            events.EXTENSION_REQUESTED.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal, days=days, reason=reason),
        )
    return extension


def extension_decide(
    *, actor: Membership, extension: DealExtension, approve: bool, note: str = ""
) -> DealExtension:
    """Approve (the protection moves out by the days asked) or decline (with a message) an
    extension request of a registration that is still approved."""
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the partner why the extension is declined.")})
    with transaction.atomic():
        extension = DealExtension.objects.select_for_update().get(
            pk=extension.pk, tenant_id=extension.tenant_id
        )
        deal = lock_deal(extension.deal)
        require_decider(actor, deal)
        if extension.status != DealExtension.Status.PENDING:
            raise workflow.TransitionError(_("This extension request was already decided."))
        if deal.status != Deal.Status.APPROVED or deal.expires_at is None:
            raise workflow.TransitionError(
                _("Only an approved registration can be extended; this one is %(status)s.")
                % {"status": deal.get_status_display().lower()}
            )
        now = timezone.now()
        before = deal.expires_at
        extension.status = (
            DealExtension.Status.APPROVED if approve else DealExtension.Status.DECLINED
        )
        extension.decided_by = actor.user
        extension.decided_at = now
        extension.decision_note = note
        extension.save()
        if approve:
            deal.expires_at = before + timedelta(days=extension.days)
            deal.expiry_warned_at = None  # warn again before the new date
            deal.save(update_fields=["expires_at", "expiry_warned_at"])
        audit_record(
            tenant=deal.tenant, actor=actor.user, action=f"deals.extension.{extension.status}",
            obj=deal, before={"expires_at": before.isoformat()},
            after={"expires_at": deal.expires_at.isoformat()}, reason=note,
        )  # fmt: skip
        emit(
            events.EXTENSION_DECIDED.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(
                deal,
                decision=extension.get_status_display().lower(),
                until=date_text(deal.expires_at),
                reason=note,
            ),
        )
    return extension
