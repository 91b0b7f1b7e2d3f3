"""Protection window: a partner asks for more time and a CAM decides."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.notifications.log import log_action
from prm.notifications.services import notifications_read_for
from prm.tenancy.models import Membership
from prm.workflow import TransitionError, lock_row

from .. import events
from ..events import event_data, tenant_day
from ..models import Deal, DealExtension
from ..selectors import deal_settings_for
from ..workflow import DEALS
from .access import require_decider, require_partner_user


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
        deal = lock_row(deal)
        require_partner_user(actor, deal)
        DEALS.require(deal, "request_extension")
        if DealExtension.objects.filter(deal=deal, status=DealExtension.Status.PENDING).exists():
            raise ValidationError(
                _("An extension of this registration is already waiting for a decision.")
            )
        extension = DealExtension.objects.create(
            tenant=deal.tenant, deal=deal, requested_by=actor.user, days=days, reason=reason
        )
        log_action(
            event=events.EXTENSION_REQUESTED,
            tenant=deal.tenant,
            actor=actor.user,
            obj=deal,
            after={"days": days},
            reason=reason,
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
        extension = lock_row(extension)
        deal = lock_row(extension.deal)
        require_decider(actor, deal)
        if extension.status != DealExtension.Status.PENDING:
            raise TransitionError(_("This extension request was already decided."))
        if deal.status != Deal.Status.APPROVED or deal.expires_at is None:
            raise TransitionError(
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
        log_action(
            event=events.EXTENSION_DECIDED,
            action=f"deals.extension.{extension.status}",
            tenant=deal.tenant,
            actor=actor.user,
            obj=deal,
            before={"expires_at": before.isoformat()},
            after={"expires_at": deal.expires_at.isoformat()},
            reason=note,
            data=event_data(
                deal,
                decision=extension.get_status_display().lower(),
                until=tenant_day(deal.tenant, deal.expires_at),
                reason=note,
            ),
        )
        notifications_read_for(user=actor.user, subject=deal)
    return extension
