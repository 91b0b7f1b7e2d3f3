"""A registration's thread: the partner's users and the vendor's staff who see it write to each
other, and each side is told when the other writes.

Who: the company's users who may work the registration (the rep who registered it, a partner
admin) and vendor staff who see its partner (`deals.view`; a CAM: their partners'). When: once
it is submitted (a draft is the partner's own, the vendor does not see it), in any status after
that, closed ones included (a partner may ask why a registration was rejected).

Each comment is audited on the registration (`deals.deal.commented`) and announced to the
other side: a partner's as `deals.deal.partner_commented` (its CAMs are told), the vendor's as
`deals.deal.vendor_commented` (the rep who registered it is told); see `deals/notifications.py`.
Opening the registration marks the reader's notifications about its thread read
(`thread_read`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from prm.notifications.log import log_action
from prm.notifications.services import notifications_read_for
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from .. import events
from ..events import event_data
from ..models import Deal, DealComment
from .access import require_partner_user

#: the longest comment, in characters
COMMENT_MAX = 4000
#: the events that announce a comment (a notification about one is read when the thread is)
COMMENT_EVENTS = (events.DEAL_PARTNER_COMMENTED.name, events.DEAL_VENDOR_COMMENTED.name)


def thread_open(deal: Deal) -> bool:
    """Whether the registration has a thread: once it was submitted (not while a draft)."""
    return deal.status != Deal.Status.DRAFT


def require_thread_member(actor: Membership, deal: Deal) -> None:
    """The company's users who may work the registration, or vendor staff who see its partner
    (`PermissionDenied` otherwise)."""
    if actor.is_partner_user:
        require_partner_user(actor, deal)
        return
    if actor.tenant_id != deal.tenant_id or not actor.can("deals.view"):
        raise PermissionDenied
    if not actor.can("partners.view_all") and not (
        visible_partners(actor).filter(pk=deal.partner_id).exists()
    ):
        raise PermissionDenied


def comment_post(*, actor: Membership, deal: Deal, body: str) -> DealComment:
    """Add `body` to the registration's thread, newest last.

    Raises `PermissionDenied` for anyone outside the thread (`require_thread_member`) and
    `ValidationError` for an empty or too long comment (beside the field) or a draft. Audited
    on the registration and announced to the other side in the same transaction.
    """
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write your comment first.")})
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {"body": _("A comment has at most %(max)d characters.") % {"max": COMMENT_MAX}}
        )
    with transaction.atomic():
        require_thread_member(actor, deal)
        if not thread_open(deal):
            raise ValidationError(
                _("Submit the registration first: its thread with the vendor opens then.")
            )
        comment = DealComment.objects.create(
            tenant_id=deal.tenant_id, deal=deal, author=actor, body=text
        )
        event = (
            events.DEAL_VENDOR_COMMENTED
            if actor.is_vendor_staff
            else (events.DEAL_PARTNER_COMMENTED)
        )
        log_action(
            event=event,
            action="deals.deal.commented",
            tenant=deal.tenant,
            actor=actor.user,
            obj=deal,
            # the words themselves: the audit trail says what was written, not a row number
            after={"comment": text if len(text) <= 300 else f"{text[:299]}…"},
            data=event_data(deal, comment=text),
        )
    return comment


def thread_read(*, actor: Membership, deal: Deal) -> int:
    """Mark the member's unread notifications about the registration's thread read (they are
    looking at it); return how many. Other notifications about it (a decision to take) stay."""
    return notifications_read_for(user=actor.user, subject=deal, events=COMMENT_EVENTS)
