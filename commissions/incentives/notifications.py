"""Who is told what when a SPIF is earned or waits, a tier bonus is paid or a reward given.

The partner hears of its money and its rewards (its admins, and the rep whose deal earned a
SPIF); partner operations of the awards waiting for their sign-off.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_rule
from prm.tenancy.models import Membership

from .. import events


def _incentives_page(event: Event, recipient: Membership) -> str:
    """The portal's incentives page for partner users; staff the sign-off queue."""
    try:
        if recipient.is_vendor_staff:
            return reverse("admin:commissions_spif_queue")
        return reverse("commissions:incentives")
    except NoReverseMatch:  # the portal's pages are mounted by the app (`apps.py`)
        return ""


def _rule(
    key: str,
    event: str,
    description: str | Promise,
    recipients: tuple[str, ...],
    title: str | Promise,
    body: str | Promise,
) -> None:
    register_rule(
        Rule(
            key=key,
            event=event,
            description=description,
            recipients=recipients,
            title=title,
            body=body,
            category="commissions",
            link=_incentives_page,
        )
    )


_rule(
    "commissions.spif.earned.tell_partner",
    events.SPIF_EARNED.name,
    _("Tell the partner's admins and the deal's owner that a deal earned a SPIF award."),
    ("partner_admins", "deal_owner"),
    _("SPIF earned: {amount} from {campaign}"),
    _("{deal} earned {amount} from the {campaign} campaign. It is on its way to your next "
      "statement."),
)  # fmt: skip
_rule(
    "commissions.spif.waiting.tell_ops",
    events.SPIF_WAITING.name,
    _("Ask partner operations to sign off a SPIF award."),
    ("partner_ops",),
    _("SPIF award to sign off: {partner}, {amount}"),
    _("{deal} by {partner} earned {amount} from {campaign}. Approve or decline it in the "
      "sign-off queue."),
)  # fmt: skip
_rule(
    "commissions.tier_bonus.earned.tell_partner",
    events.TIER_BONUS_EARNED.name,
    _("Tell the partner's admins that the partner earned a tier bonus for a period."),
    ("partner_admins",),
    _("Tier bonus earned: {amount}"),
    _("You met {bonus} for {period} and earned {amount}. It is on your next statement."),
)
_rule(
    "commissions.reward.given.tell_partner",
    events.REWARD_GIVEN.name,
    _("Tell the partner's admins of a recognition or an event invitation."),
    ("partner_admins",),
    _("{kind}: {title}"),
    _("{title} — see it with your incentives in the portal."),
)
