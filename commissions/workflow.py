"""The state machine of commission statements (`prm.workflow`): which action each status
allows, and where it goes.

Every service that moves a statement does it through `STATEMENTS.transition`; pages ask
`STATEMENTS.allowed(statement, action)` to decide which buttons to show. A draft is refreshed
when its period is closed again (new lines join it); once approved, a statement's lines and
totals never change: lines that come later wait for the next period.
"""

from django.utils.translation import gettext_lazy

from prm.workflow import Action, Workflow

from .events import statement_event_data
from .models import Statement

S = Statement.Status

STATEMENTS = Workflow(
    Statement,
    [
        Action("refresh", gettext_lazy("refreshed"), {S.DRAFT}, None),
        Action("approve", gettext_lazy("approved"), {S.DRAFT}, S.APPROVED),
        # gathered in a payout batch for accounts payable: the status stays
        Action("batch", gettext_lazy("added to a payout batch"), {S.APPROVED}, None),
        Action("pay", gettext_lazy("marked paid"), {S.APPROVED}, S.PAID),
    ],
    refusal=gettext_lazy("A statement that is %(status)s cannot be %(verb)s."),
    describe=statement_event_data,
)  # fmt: skip
