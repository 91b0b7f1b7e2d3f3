"""The commissions cards of the staff to-do home (`prm.workspace.todo`), part B: statements to
approve, and approved statements to pay.

Counts start from `statements_visible_to`, so a CAM's cards (they have none: approving and
paying are partner operations' work) could only ever hold their partners'. Each card reads
with one query.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .models import Statement
from .services.statements import statements_visible_to

S = Statement.Status


def _list(model: str, **params: str) -> str:
    url = reverse(f"admin:commissions_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def statements_todo(membership: Membership) -> TodoCard:
    """Draft statements waiting for approval (1 query)."""
    drafts = statements_visible_to(membership).filter(status=S.DRAFT).count()
    return TodoCard(
        key="commission_statements",
        title=gettext_lazy("Commission statements to approve"),
        lines=[
            TodoLine(
                ngettext("statement to approve", "statements to approve", drafts),
                drafts,
                _list("statement", status=S.DRAFT),
                kind="warning",
            )
        ],
        empty=gettext_lazy(
            "No statement waits for approval. Drafts are made the day after a period ends, or "
            "when you close a period."
        ),
        link=(gettext_lazy("Statements"), _list("statement")),
    )


def payouts_todo(membership: Membership) -> TodoCard:
    """Approved statements to pay, and how many of them wait in payout batches (1 query)."""
    n = (
        statements_visible_to(membership)
        .filter(status=S.APPROVED)
        .aggregate(due=Count("pk"), batched=Count("pk", filter=Q(batch__isnull=False)))
    )
    return TodoCard(
        key="commission_payouts",
        title=gettext_lazy("Commission payouts due"),
        lines=[
            TodoLine(
                ngettext("approved statement to pay", "approved statements to pay", n["due"]),
                n["due"],
                _list("statement", status=S.APPROVED),
                kind="warning",
            ),
            TodoLine(
                ngettext(
                    "of them in a payout batch, waiting for its payments",
                    "of them in payout batches, waiting for their payments",
                    n["batched"],
                ),
                n["batched"],
                _list("payoutbatch"),
                kind="none",
            ),
        ],
        empty=gettext_lazy(
            "No approved statement is waiting for payment. Statements become due when they are "
            "approved."
        ),
        link=(gettext_lazy("Payout batches"), _list("payoutbatch")),
    )
