"""The state machines of deal registrations and leads: which action each status allows, and where
it goes (`prm.workflow`).

Every service that moves a registration or a lead does it through `DEALS.transition` or
`LEADS.transition`; views ask `allowed(deal, action)` (`LEADS.allowed(lead, action)`) to decide
which buttons to show.
"""

from django.utils.translation import gettext_lazy

from prm.workflow import Action, Workflow

from .events import event_data, lead_event_data
from .models import Deal, Lead

S = Deal.Status

_OPEN = frozenset({S.SUBMITTED, S.INFO_REQUESTED})
_EDITABLE = frozenset({S.DRAFT, S.INFO_REQUESTED})
_LIVE = _OPEN | {S.APPROVED}

DEALS = Workflow(
    Deal,
    [
        Action("edit", gettext_lazy("changed"), _EDITABLE, None),
        Action("submit", gettext_lazy("submitted"), _EDITABLE, S.SUBMITTED),
        Action("withdraw", gettext_lazy("withdrawn"), _EDITABLE | _LIVE, S.WITHDRAWN),
        Action("approve", gettext_lazy("approved"), _OPEN, S.APPROVED),
        Action("reject", gettext_lazy("rejected"), _OPEN, S.REJECTED),
        Action("request_info", gettext_lazy("sent back"), {S.SUBMITTED}, S.INFO_REQUESTED),
        Action("win", gettext_lazy("marked won"), {S.APPROVED}, S.WON),
        Action("lose", gettext_lazy("marked lost"), {S.APPROVED, S.WON}, S.LOST),
        # a won deal's final amount corrected, and a closed deal reopened (commissions reverse)
        Action("change_amount", gettext_lazy("corrected"), {S.WON}, None),
        Action("reopen", gettext_lazy("reopened"), {S.WON, S.LOST}, S.APPROVED),
        Action("expire", gettext_lazy("expired"), {S.APPROVED}, S.EXPIRED),
        Action("request_extension", gettext_lazy("extended"), {S.APPROVED}, None),
    ],
    refusal=gettext_lazy("A registration that is %(status)s cannot be %(verb)s."),
    describe=event_data,
)  # fmt: skip


def allowed(deal: Deal, action: str) -> bool:
    """Whether the registration's status allows the action."""
    return DEALS.allowed(deal, action)


L = Lead.Status

LEADS = Workflow(
    Lead,
    [
        # in the queue, or back in it after a partner declined: route it to a partner
        Action("assign", gettext_lazy("assigned"), {L.NEW, L.DECLINED}, L.ASSIGNED),
        Action("accept", gettext_lazy("accepted"), {L.ASSIGNED}, L.ACCEPTED),
        Action("decline", gettext_lazy("declined"), {L.ASSIGNED}, L.DECLINED),
        # unanswered by its deadline: back to the queue
        Action("expire", gettext_lazy("returned"), {L.ASSIGNED}, L.NEW),
    ],
    refusal=gettext_lazy("This lead is %(status)s: it cannot be changed that way any more."),
    describe=lead_event_data,
)
