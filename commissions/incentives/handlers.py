"""The incentives' handlers of the deals app's outcome events (subscribed in `apps.py`, after
the accrual's, so they run in the same transaction once the deal's commission is accrued).

| event                       | what happens to the deal's SPIF awards                       |
|-----------------------------|--------------------------------------------------------------|
| `deals.deal.won`            | every campaign the deal earns is awarded (`spifs.deal_award`) |
| `deals.deal.lost` (was won) | its standing awards are withdrawn, their budget given back    |
| `deals.deal.reopened`       | the same                                                      |
"""

from django.utils.translation import gettext as _

from deals.models import Deal
from prm.notifications.events import Event

from .spifs import deal_award, deal_withdraw_awards


def on_deal_won(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    deal_award(deal=deal, actor=event.actor)


def on_deal_lost(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    if not event.data.get("was_won"):
        return
    reason = _("%(deal)s lost after being won: %(why)s") % {
        "deal": deal.reference,
        "why": event.data.get("reason", ""),
    }
    deal_withdraw_awards(deal=deal, actor=event.actor, reason=reason)


def on_deal_reopened(event: Event) -> None:
    deal = event.subject
    assert isinstance(deal, Deal)
    reason = _("%(deal)s reopened: %(why)s") % {
        "deal": deal.reference,
        "why": event.data.get("reason", ""),
    }
    deal_withdraw_awards(deal=deal, actor=event.actor, reason=reason)
