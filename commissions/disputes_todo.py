"""The staff home's card of partners' questions about commission lines waiting for an answer
(`prm.workspace.todo`), counted through `disputes_visible_to` (2 queries)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from prm.money import format_money
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import time_tag

from .models import Dispute
from .portal import disputes_visible_to

#: the oldest open questions listed by name
OLDEST = 5


def disputes_todo(membership: Membership) -> TodoCard:
    """Open disputes (the oldest by name)."""
    visible = disputes_visible_to(membership)
    n = visible.order_by().aggregate(open=Count("pk", filter=Q(status=Dispute.Status.OPEN)))
    oldest = list(
        visible.filter(status=Dispute.Status.OPEN)
        .select_related("partner", "line__deal")
        .order_by("updated_at", "id")[:OLDEST]
    )
    url = reverse("admin:commissions_dispute_changelist")
    rows = []
    for d in oldest:
        line = d.line
        about = line.deal.reference if line.deal is not None else line.get_source_display()
        rows.append(
            TodoRow(
                title=f"{d.partner.name}: {about}",
                url=reverse("admin:commissions_dispute_change", args=[d.pk]),
                detail=format_money(line.amount, line.currency),
                badge=time_tag(d.updated_at, short=True),
            )
        )
    return TodoCard(
        key="commissions_disputes",
        title=gettext_lazy("Questions about commissions"),
        lines=[
            TodoLine(
                ngettext("open dispute", "open disputes", n["open"]),
                n["open"],
                f"{url}?status={Dispute.Status.OPEN}",
                kind="warning",
            )
        ],
        empty=gettext_lazy(
            "No partner is waiting for an answer about a commission line. Questions partners "
            "raise in their money view appear here."
        ),
        link=(gettext_lazy("All disputes"), url),
        rows=rows,
        rows_title=gettext_lazy("Waiting longest"),
    )
