"""The deals cards of the staff to-do home (`prm.workspace.todo`): registrations to decide
(with their decision clock) and leads to route or waiting for the partner.

Every count starts from `deals_for` / `leads_for`, so a CAM's cards hold only the registrations
and leads of the partners assigned to them.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.sla import sla_state
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import badge

from .admin.filters import CONFLICT, EXTENSION_PENDING
from .models import Deal, DealExtension, Lead
from .selectors import deal_queue_for, deals_for, leads_for

#: registrations shown by name on the card, the most urgent first
URGENT_ROWS = 5


def _list(name: str, **params: str) -> str:
    url = reverse(f"admin:deals_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def decisions_todo(membership: Membership) -> TodoCard:
    """Registrations waiting for a decision (overdue first, with the clock), conflicts, those
    sent back to the partner, and extension requests (3 queries)."""
    now = timezone.now()
    waiting = Q(status=Deal.Status.SUBMITTED)
    counts = (
        deals_for(membership=membership)
        .order_by()
        .aggregate(
            # distinct: the join to the extensions repeats a registration per request
            waiting=Count("pk", filter=waiting, distinct=True),
            overdue=Count("pk", filter=waiting & Q(sla_due_at__lte=now), distinct=True),
            conflicts=Count("pk", filter=waiting & CONFLICT, distinct=True),
            info=Count("pk", filter=Q(status=Deal.Status.INFO_REQUESTED), distinct=True),
            extensions=Count(
                "extensions",
                filter=Q(
                    status=Deal.Status.APPROVED,
                    extensions__status=DealExtension.Status.PENDING,
                ),
            ),
        )
    )
    tz = membership.tenant.time_zone
    urgent = list(deal_queue_for(membership=membership)[:URGENT_ROWS])
    rows = []
    for deal in urgent:
        kind, clock = sla_state(deal.sla_due_at, tz, now) if deal.sla_due_at else ("none", "—")
        rows.append(
            TodoRow(
                title=f"{deal.reference} {deal.customer_name}",
                url=reverse("admin:deals_deal_change", args=[deal.pk]),
                detail=deal.partner.name,
                badge=badge(kind, clock, _("Decision target, in business hours")),
            )
        )
    n = counts
    return TodoCard(
        key="decisions",
        title=gettext_lazy("Registrations to decide"),
        lines=[
            TodoLine(
                _("overdue for a decision"),
                n["overdue"],
                _list("deal", status=Deal.Status.SUBMITTED, overdue="yes"),
                kind="failed",
                always=n["waiting"] > 0,
            ),
            TodoLine(
                _("waiting for a decision"),
                n["waiting"],
                _list("deal", status=Deal.Status.SUBMITTED),
            ),
            TodoLine(
                _("in conflict with another partner's registration"),
                n["conflicts"],
                _list("deal", status=Deal.Status.SUBMITTED, match="conflict"),
                kind="conflict",
            ),
            TodoLine(
                ngettext(
                    "extension request to decide", "extension requests to decide", n["extensions"]
                ),
                n["extensions"],
                _list("deal", status=Deal.Status.APPROVED, extension=EXTENSION_PENDING),
                kind="warning",
            ),
            TodoLine(
                _("sent back to the partner for more information"),
                n["info"],
                _list("deal", status=Deal.Status.INFO_REQUESTED),
                kind="none",
            ),
        ],
        empty=gettext_lazy(
            "No registration waits for a decision. New ones appear here with their decision "
            "target as partners submit them."
        ),
        link=(gettext_lazy("All registrations"), _list("deal", status="all")),
        rows=rows,
        rows_title=gettext_lazy("Most urgent"),
    )


def leads_todo(membership: Membership) -> TodoCard:
    """Leads to route (new or declined) and those the partners have not answered (1 query)."""
    n = (
        leads_for(membership=membership)
        .order_by()
        .aggregate(
            new=Count("pk", filter=Q(status=Lead.Status.NEW)),
            declined=Count("pk", filter=Q(status=Lead.Status.DECLINED)),
            assigned=Count("pk", filter=Q(status=Lead.Status.ASSIGNED)),
            unopened=Count("pk", filter=Q(status=Lead.Status.ASSIGNED, opened_at__isnull=True)),
        )
    )
    routing = membership.can("deals.leads")
    lines = [
        TodoLine(
            ngettext("lead in the queue to assign", "leads in the queue to assign", n["new"]),
            n["new"],
            _list("lead", status=Lead.Status.NEW),
            kind="warning",
        ),
        TodoLine(
            ngettext(
                "lead declined by a partner, to route again",
                "leads declined by a partner, to route again",
                n["declined"],
            ),
            n["declined"],
            _list("lead", status=Lead.Status.DECLINED),
            kind="warning",
        ),
    ]
    if not routing:
        lines = []
    lines.append(
        TodoLine(
            ngettext(
                "lead waiting for the partner's answer (%(unopened)d not opened yet)",
                "leads waiting for the partners' answers (%(unopened)d not opened yet)",
                n["assigned"],
            )
            % {"unopened": n["unopened"]},
            n["assigned"],
            _list("lead", status=Lead.Status.ASSIGNED),
        )
    )
    return TodoCard(
        key="leads",
        title=gettext_lazy("Leads"),
        lines=lines,
        empty=gettext_lazy(
            "No lead waits: none in the queue and none unanswered. Add a lead and assign it to a "
            "partner to have it worked."
        ),
        link=(gettext_lazy("All leads"), _list("lead")),
    )
