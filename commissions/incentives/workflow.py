"""The state machine of a SPIF award (`prm.workflow`).

An award of a campaign signed off by partner operations waits; approving it applies it (its
ledger line is posted), declining it gives its reservation back. An award is withdrawn (declined,
with the reason) when its deal is reopened or lost after being won: a waiting award simply, an
applied one with its line reversed.
"""

from typing import Any

from django.utils.translation import gettext_lazy

from prm.money import format_money
from prm.workflow import Action, Workflow

from ..models import SpifAward

S = SpifAward.Status


def award_event_data(award: SpifAward) -> dict[str, Any]:
    """The placeholders of every award event, and the ids its recipients are found by."""
    deal = award.deal
    return {
        "campaign": award.campaign.name,
        "partner": award.partner.name,
        "partner_id": award.partner_id,
        "owner_id": deal.owner_id if deal is not None else None,
        "amount": format_money(award.amount, award.currency),
        "deal": deal.reference if deal is not None else "",
        "award_id": award.pk,
    }


AWARDS = Workflow(
    SpifAward,
    [
        Action("approve", gettext_lazy("approved"), {S.WAITING}, S.APPLIED),
        Action("decline", gettext_lazy("declined"), {S.WAITING}, S.DECLINED),
        Action("withdraw", gettext_lazy("withdrawn"), {S.WAITING, S.APPLIED}, S.DECLINED),
    ],
    refusal=gettext_lazy("An award that is %(status)s cannot be %(verb)s."),
    describe=award_event_data,
)  # fmt: skip
