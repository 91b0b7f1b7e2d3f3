"""The one place that says which action a registration in which status allows, and where it goes.

Every service that changes a registration's status asks `require(deal, action)` first, under the
row's lock; views ask `allowed(deal, action)` to decide which buttons to show.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Deal

S = Deal.Status


@dataclass(frozen=True)
class Action:
    name: str
    verb: str | Promise  # "submitted", for "A draft registration cannot be submitted."
    sources: frozenset[str] | set[str]
    #: the status it moves to; None when it keeps the status (edit, extension)
    target: str | None


_OPEN = frozenset({S.SUBMITTED, S.INFO_REQUESTED})
_EDITABLE = frozenset({S.DRAFT, S.INFO_REQUESTED})
_LIVE = _OPEN | {S.APPROVED}

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("edit", gettext_lazy("changed"), _EDITABLE, None),
        Action("submit", gettext_lazy("submitted"), _EDITABLE, S.SUBMITTED),
        Action("withdraw", gettext_lazy("withdrawn"), _EDITABLE | _LIVE, S.WITHDRAWN),
        Action("approve", gettext_lazy("approved"), _OPEN, S.APPROVED),
        Action("reject", gettext_lazy("rejected"), _OPEN, S.REJECTED),
        Action("request_info", gettext_lazy("sent back"), {S.SUBMITTED}, S.INFO_REQUESTED),
        Action("win", gettext_lazy("marked won"), {S.APPROVED}, S.WON),
        Action("lose", gettext_lazy("marked lost"), {S.APPROVED}, S.LOST),
        Action("expire", gettext_lazy("expired"), {S.APPROVED}, S.EXPIRED),
        Action("request_extension", gettext_lazy("extended"), {S.APPROVED}, None),
    ]
}  # fmt: skip


class TransitionError(ValidationError):
    """The registration's status does not allow the action; nothing was changed."""


def allowed(deal: Deal, action: str) -> bool:
    return deal.status in ACTIONS[action].sources


def require(deal: Deal, action: str) -> Action:
    """The action, or TransitionError with a sentence a person understands."""
    found = ACTIONS[action]
    if deal.status not in found.sources:
        raise TransitionError(
            _("A registration that is %(status)s cannot be %(verb)s.")
            % {"status": Deal.Status(deal.status).label.lower(), "verb": found.verb}
        )
    return found
