"""The state machines of MDF requests and claims: which action each status allows, and where it
goes (`prm.workflow`).

Every service that moves a request or a claim does it through `REQUESTS.transition` or
`CLAIMS.transition`; views ask `REQUESTS.allowed(request, action)` to decide which buttons to
show. "Rejected" may be fixed and submitted again; "declined" is final.
"""

from django.utils.translation import gettext_lazy

from prm.workflow import Action, Workflow

from .events import claim_event_data, request_event_data
from .models import Claim, MdfRequest

S = MdfRequest.Status

#: what the partner may still change: a draft, one sent back, one rejected (to fix it)
_EDITABLE = frozenset({S.DRAFT, S.INFO_REQUESTED, S.REJECTED})
#: waiting for the vendor
_WAITING = frozenset({S.SUBMITTED})

REQUESTS = Workflow(
    MdfRequest,
    [
        Action("edit", gettext_lazy("changed"), _EDITABLE, None),
        Action("submit", gettext_lazy("submitted"), _EDITABLE, S.SUBMITTED),
        Action("withdraw", gettext_lazy("withdrawn"), _EDITABLE | _WAITING, S.WITHDRAWN),
        Action("request_info", gettext_lazy("sent back"), _WAITING, S.INFO_REQUESTED),
        # in full or in part; above the fund's threshold it waits for a program leader
        Action("approve", gettext_lazy("approved"), _WAITING, S.APPROVED),
        Action("approve_first", gettext_lazy("approved"), _WAITING, S.SECOND_APPROVAL),
        Action("approve_second", gettext_lazy("approved"), {S.SECOND_APPROVAL}, S.APPROVED),
        Action("reject", gettext_lazy("rejected"), _WAITING | {S.SECOND_APPROVAL}, S.REJECTED),
        Action("decline", gettext_lazy("declined"), _WAITING | {S.SECOND_APPROVAL}, S.DECLINED),
        # the claim deadline moved by a CAM, or the commitment released: the status stays
        Action("extend_claim", gettext_lazy("extended"), {S.APPROVED}, None),
        Action("release", gettext_lazy("released"), {S.APPROVED}, None),
    ],
    refusal=gettext_lazy("A request that is %(status)s cannot be %(verb)s."),
    describe=request_event_data,
)  # fmt: skip

C = Claim.Status

_CLAIM_EDITABLE = frozenset({C.DRAFT, C.INFO_REQUESTED})

CLAIMS = Workflow(
    Claim,
    [
        Action("edit", gettext_lazy("changed"), _CLAIM_EDITABLE, None),
        Action("submit", gettext_lazy("submitted"), _CLAIM_EDITABLE, C.SUBMITTED),
        Action("request_info", gettext_lazy("sent back"), {C.SUBMITTED}, C.INFO_REQUESTED),
        Action("approve", gettext_lazy("approved"), {C.SUBMITTED}, C.APPROVED),
        Action("reject", gettext_lazy("rejected"), {C.SUBMITTED}, C.REJECTED),
        Action("batch", gettext_lazy("added to a payment batch"), {C.APPROVED}, None),
        Action("pay", gettext_lazy("marked paid"), {C.APPROVED}, C.PAID),
    ],
    refusal=gettext_lazy("A claim that is %(status)s cannot be %(verb)s."),
    describe=claim_event_data,
)  # fmt: skip
