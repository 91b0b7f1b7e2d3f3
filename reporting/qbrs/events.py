"""The events of quarterly business reviews, and who is told what (`prm.notifications`).

Sharing a draft and finalising a review are told to the partner's admins; a comment to the other
side (the partner's CAMs when a partner admin wrote, the admins when the vendor did); an action
item's owner hears when someone else closes or reopens it, and is reminded before and after its
due day (`reminders.py`).
"""

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

import partners.notifications  # noqa: F401 - registers the "assigned_cams" recipients used below
from partners.selectors import assigned_cams_of
from partners.surveys.members import partner_admins
from prm.dates import format_day
from prm.notifications.events import Event, declare
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from ..models import Qbr, QbrActionItem
from ..scorecard import period_label

_QBR = ("partner", "quarter")
QBR_SHARED = declare(
    "reporting.qbr.shared",
    "A CAM shared a draft quarterly business review with the partner's admins.",
    _QBR,
)
QBR_FINALISED = declare(
    "reporting.qbr.finalised",
    "A quarterly business review was held and finalised: its figures, words and action items "
    "are frozen.",
    (*_QBR, "held_on"),
)
QBR_COMMENTED = declare(
    "reporting.qbr.commented",
    "Someone commented on a draft quarterly business review (a partner admin, or the vendor).",
    _QBR,
)
_ACTION = (*_QBR, "action", "owner", "due", "status")
ACTION_TRACKED = declare(
    "reporting.qbr_action.tracked",
    "An action item of a quarterly business review was marked done, dropped or open again.",
    _ACTION,
)
ACTION_DUE_SOON = declare(
    "reporting.qbr_action.due_soon",
    "An open action item of a quarterly business review is due within a few days.",
    _ACTION,
)
ACTION_OVERDUE = declare(
    "reporting.qbr_action.overdue",
    "An open action item of a quarterly business review passed its due day.",
    _ACTION,
)


def quarter_label(qbr: Qbr) -> str:
    from prm.metrics.periods import QUARTER, Period

    return period_label(
        QUARTER, Period(qbr.period_start, qbr.period_end), qbr.tenant.fiscal_year_start
    )


def qbr_data(qbr: Qbr) -> dict[str, Any]:
    """The placeholders and ids every QBR event carries."""
    return {
        "partner": qbr.partner.name,
        "partner_id": qbr.partner_id,
        "quarter": quarter_label(qbr),
        "qbr_id": qbr.pk,
        "held_on": format_day(qbr.held_on) if qbr.held_on else "",
    }


def action_data(item: QbrActionItem) -> dict[str, Any]:
    owner = item.owner.user
    return {
        **qbr_data(item.qbr),
        "action": item.title,
        "owner": owner.get_full_name() or owner.email,
        "due": format_day(item.due_on),
        "status": str(QbrActionItem.Status(item.status).label),
        "item_id": item.pk,
    }


def _cams_if_partner_commented(event: Event) -> Iterable[Membership]:
    if not event.data.get("by_partner"):
        return []
    return assigned_cams_of(tenant_id=event.tenant.pk, partner_id=event.data["partner_id"])


def _admins_if_vendor_commented(event: Event) -> Iterable[Membership]:
    qbr = event.subject
    if event.data.get("by_partner") or not isinstance(qbr, Qbr) or qbr.shared_at is None:
        return []
    return partner_admins(event)


def _action_owner(event: Event) -> Iterable[Membership]:
    owner_id = getattr(event.subject, "owner_id", None)
    if owner_id is None:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, pk=owner_id, is_active=True
    ).select_related("user")


def _review_page(event: Event, recipient: Membership) -> str:
    qbr_id = event.data.get("qbr_id")
    try:
        if recipient.is_vendor_staff:
            return reverse("admin:reporting_qbr", args=[qbr_id])
        return reverse("qbrs:review", args=[qbr_id])
    except NoReverseMatch:
        return ""


def _actions_page(event: Event, recipient: Membership) -> str:
    if recipient.is_vendor_staff:
        return _review_page(event, recipient)
    return reverse("qbrs:reviews") + "#actions"


register_recipients("qbr_cams_if_partner_commented", _cams_if_partner_commented)
register_recipients("qbr_admins_if_vendor_commented", _admins_if_vendor_commented)
register_recipients("qbr_action_owner", _action_owner)

register_rule(
    Rule(
        key="reporting.qbr.shared.tell_partner_admins",
        event=QBR_SHARED.name,
        description=_("Tell a partner's admins when their draft business review is shared."),
        recipients=("partner_admins",),
        title=_("Your business review for {quarter} is ready to read"),
        body=_(
            "{actor} shared the draft of {partner}'s review. Read it and comment before it is held."
        ),
        category="program",
        link=_review_page,
    )
)
register_rule(
    Rule(
        key="reporting.qbr.finalised.tell_partner_admins",
        event=QBR_FINALISED.name,
        description=_("Tell a partner's admins when their business review is final."),
        recipients=("partner_admins",),
        title=_("Your business review for {quarter} is final"),
        body=_("The review held on {held_on} is final. Download it and follow its action items."),
        category="program",
        link=_review_page,
    )
)
register_rule(
    Rule(
        key="reporting.qbr.commented.tell_other_side",
        event=QBR_COMMENTED.name,
        description=_(
            "Tell the other side of a draft business review about a comment: the partner's "
            "CAMs when a partner admin wrote, the admins when the vendor did."
        ),
        recipients=("qbr_cams_if_partner_commented", "qbr_admins_if_vendor_commented"),
        title=_("New comment on the {quarter} review of {partner}"),
        body=_("{actor} commented on the draft review."),
        category="program",
        link=_review_page,
    )
)
register_rule(
    Rule(
        key="reporting.qbr_action.tracked.tell_owner",
        event=ACTION_TRACKED.name,
        description=_("Tell an action item's owner when someone else closes or reopens it."),
        recipients=("qbr_action_owner",),
        title=_("“{action}” is now {status}"),
        body=_("{actor} marked your action item from the {quarter} review {status}."),
        category="program",
        link=_actions_page,
    )
)
register_rule(
    Rule(
        key="reporting.qbr_action.due_soon.tell_owner",
        event=ACTION_DUE_SOON.name,
        description=_("Remind an action item's owner a few days before it is due."),
        recipients=("qbr_action_owner",),
        title=_("Due on {due}: “{action}”"),
        body=_("Your action item from the {quarter} review of {partner} is due on {due}."),
        category="program",
        link=_actions_page,
    )
)
register_rule(
    Rule(
        key="reporting.qbr_action.overdue.tell_owner_and_cams",
        event=ACTION_OVERDUE.name,
        description=_("Tell an action item's owner and the partner's CAMs when it is overdue."),
        recipients=("qbr_action_owner", "assigned_cams"),
        title=_("Overdue: “{action}” ({partner})"),
        body=_("“{action}”, owned by {owner}, was due on {due} and is not done yet."),
        category="program",
        link=_actions_page,
    )
)
