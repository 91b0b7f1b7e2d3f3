"""The MDF cards of the staff to-do home (`prm.workspace.todo`): requests and claims to decide
(with the decision clock), and approved claims to pay.

Counts start from `mdf.access`, so a CAM's cards hold only the requests and claims of the
partners assigned to them.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.money import format_money
from prm.sla import sla_state
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import badge

from .access import claims_visible_to, requests_visible_to
from .models import Claim, MdfRequest

#: requests shown by name on the card, the most urgent first
URGENT_ROWS = 5
R = MdfRequest.Status


def _list(name: str, **params: str) -> str:
    url = reverse(f"admin:mdf_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def decisions_todo(membership: Membership) -> TodoCard:
    """Requests waiting for a decision (overdue first, with the clock), second approvals for
    program leaders, those sent back to the partner, and claims to review (3 queries)."""
    now = timezone.now()
    waiting = Q(status=R.SUBMITTED)
    requests = requests_visible_to(membership)
    n = requests.order_by().aggregate(
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(sla_due_at__lte=now)),
        second=Count("pk", filter=Q(status=R.SECOND_APPROVAL)),
        info=Count("pk", filter=Q(status=R.INFO_REQUESTED)),
        # claims filed and waiting for the vendor, in the same query
        claims=Count("claim", filter=Q(claim__status=Claim.Status.SUBMITTED)),
    )
    tz = membership.tenant.time_zone
    rows = []
    for request in (
        requests.filter(waiting)
        .select_related("partner")
        .order_by("sla_due_at", "id")[:URGENT_ROWS]
    ):
        kind, clock = (
            sla_state(request.sla_due_at, tz, now) if request.sla_due_at else ("none", "—")
        )
        rows.append(
            TodoRow(
                title=f"{request.reference} {request.title}",
                url=reverse("admin:mdf_mdfrequest_change", args=[request.pk]),
                detail=f"{request.partner.name} · {format_money(request.amount, request.currency)}",
                badge=badge(kind, clock, _("Decision target, in business hours")),
            )
        )
    lines = [
        TodoLine(
            _("overdue for a decision"),
            n["overdue"],
            _list("mdfrequest", status=R.SUBMITTED, overdue="yes"),
            kind="failed",
            always=n["waiting"] > 0,
        ),
        TodoLine(
            _("waiting for a decision"), n["waiting"], _list("mdfrequest", status=R.SUBMITTED)
        ),
    ]
    if membership.can("mdf.approve.second"):
        lines.append(
            TodoLine(
                _("approved by a CAM, waiting for your second approval"),
                n["second"],
                _list("mdfrequest", status=R.SECOND_APPROVAL),
                kind="warning",
            )
        )
    lines += [
        TodoLine(
            _("claims with proof to review"),
            n["claims"],
            _list("claim", status=Claim.Status.SUBMITTED),
        ),
        TodoLine(
            _("sent back to the partner for more information"),
            n["info"],
            _list("mdfrequest", status=R.INFO_REQUESTED),
            kind="none",
        ),
    ]
    return TodoCard(
        key="mdf-decisions",
        title=gettext_lazy("MDF to decide"),
        lines=lines,
        empty=gettext_lazy(
            "No MDF request or claim waits for you. New ones appear here with their decision "
            "target as partners submit them."
        ),
        link=(gettext_lazy("All MDF requests"), _list("mdfrequest")),
        rows=rows,
        rows_title=gettext_lazy("Most urgent"),
    )


def payments_todo(membership: Membership) -> TodoCard:
    """Approved claims due to partners: how many and what is owed per currency, and how many
    of them wait in a payment batch for their payment reference (1 query)."""
    due = (
        claims_visible_to(membership)
        .filter(status=Claim.Status.APPROVED)
        .order_by()
        .values("currency")
        .annotate(
            n=Count("pk"),
            batched=Count("pk", filter=Q(batch__isnull=False)),
            owed=Sum("approved_amount"),
        )
        .order_by("currency")
    )
    totals = list(due)
    count = sum(row["n"] for row in totals)
    batched = sum(row["batched"] for row in totals)
    owed = ", ".join(format_money(row["owed"], row["currency"]) for row in totals)
    return TodoCard(
        key="mdf-payments",
        title=gettext_lazy("MDF claims to pay"),
        lines=[
            TodoLine(
                _("approved, due to partners") + (f" ({owed})" if owed else ""),
                count,
                _list("claim", status=Claim.Status.APPROVED),
                kind="warning",
            ),
            TodoLine(
                _("in a payment batch, waiting for the payment reference"),
                batched,
                _list("paymentbatch"),
            ),
        ],
        empty=gettext_lazy(
            "No approved claim waits for payment. Claims appear here once a CAM approves them."
        ),
        link=(gettext_lazy("Payment batches"), _list("paymentbatch")),
    )
