"""The MDF cards of the staff to-do home (`prm.workspace.todo`): requests to decide (with their
decision clock, and the second approvals waiting for a program leader), claims to decide, and
claims due for payment.

Every count starts from `mdf.access` (`requests_visible_to`, `claims_visible_to`), so a CAM's
cards hold only the requests and claims of the partners assigned to them. Each card reads with a
fixed number of queries: its counts in one aggregate, its most urgent rows in one more.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.money import format_money
from prm.sla import sla_state
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import badge

from .access import claims_visible_to, requests_visible_to
from .models import Claim, MdfRequest

#: requests shown by name on the card, the most urgent first
URGENT_ROWS = 5

S = MdfRequest.Status
C = Claim.Status


def _list(model: str, **params: str) -> str:
    url = reverse(f"admin:mdf_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def requests_todo(membership: Membership) -> TodoCard:
    """Requests waiting for a decision (overdue first, the most urgent by name), second
    approvals waiting for a program leader, and those sent back to the partner (2 queries)."""
    now = timezone.now()
    waiting = Q(status=S.SUBMITTED)
    visible = requests_visible_to(membership)
    n = visible.order_by().aggregate(
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(sla_due_at__lte=now)),
        second=Count("pk", filter=Q(status=S.SECOND_APPROVAL)),
        info=Count("pk", filter=Q(status=S.INFO_REQUESTED)),
    )
    urgent = list(
        visible.filter(waiting).select_related("partner").order_by("sla_due_at", "id")[:URGENT_ROWS]
    )
    tz = membership.tenant.time_zone
    rows = []
    for r in urgent:
        kind, clock = sla_state(r.sla_due_at, tz, now) if r.sla_due_at else ("none", "—")
        rows.append(
            TodoRow(
                title=f"{r.reference} {r.title}",
                url=reverse("admin:mdf_mdfrequest_change", args=[r.pk]),
                detail=f"{r.partner.name} · {format_money(r.amount, r.currency)}",
                badge=badge(kind, clock, _("Decision target, in business hours")),
            )
        )
    lines = [
        TodoLine(
            _("overdue for a decision"),
            n["overdue"],
            _list("mdfrequest", status=S.SUBMITTED, overdue="yes"),
            kind="failed",
            always=n["waiting"] > 0,
        ),
        TodoLine(
            _("waiting for a decision"),
            n["waiting"],
            _list("mdfrequest", status=S.SUBMITTED),
        ),
    ]
    if membership.can("mdf.approve.second"):
        lines.append(
            TodoLine(
                ngettext(
                    "approved by a CAM, waiting for your second approval",
                    "approved by a CAM, waiting for your second approval",
                    n["second"],
                ),
                n["second"],
                _list("mdfrequest", status=S.SECOND_APPROVAL),
                kind="warning",
            )
        )
    lines.append(
        TodoLine(
            _("sent back to the partner for more information"),
            n["info"],
            _list("mdfrequest", status=S.INFO_REQUESTED),
            kind="none",
        )
    )
    return TodoCard(
        key="mdf_requests",
        title=gettext_lazy("MDF requests to decide"),
        lines=lines,
        empty=gettext_lazy(
            "No MDF request waits for a decision. New ones appear here with their decision "
            "target as partners submit them."
        ),
        link=(gettext_lazy("All MDF requests"), _list("mdfrequest", status="all")),
        rows=rows,
        rows_title=gettext_lazy("Most urgent"),
    )


def claims_todo(membership: Membership) -> TodoCard:
    """Claims waiting for a decision (overdue first) and those sent back (1 query)."""
    now = timezone.now()
    waiting = Q(status=C.SUBMITTED)
    n = (
        claims_visible_to(membership)
        .order_by()
        .aggregate(
            waiting=Count("pk", filter=waiting),
            overdue=Count("pk", filter=waiting & Q(sla_due_at__lte=now)),
            info=Count("pk", filter=Q(status=C.INFO_REQUESTED)),
        )
    )
    return TodoCard(
        key="mdf_claims",
        title=gettext_lazy("MDF claims to decide"),
        lines=[
            TodoLine(
                _("overdue for a decision"),
                n["overdue"],
                _list("claim", status=C.SUBMITTED),
                kind="failed",
            ),
            TodoLine(
                ngettext(
                    "claim with its proof to check",
                    "claims with their proof to check",
                    n["waiting"],
                ),
                n["waiting"],
                _list("claim", status=C.SUBMITTED),
            ),
            TodoLine(
                _("sent back to the partner for more information"),
                n["info"],
                _list("claim", status=C.INFO_REQUESTED),
                kind="none",
            ),
        ],
        empty=gettext_lazy(
            "No claim waits for a decision. Partners file claims with their proof once a funded "
            "activity has run."
        ),
        link=(gettext_lazy("All claims"), _list("claim", status="all")),
    )


def payments_todo(membership: Membership) -> TodoCard:
    """Approved claims due for payment, per currency (never summed across currencies), and
    how many wait in batches sent to accounts payable (1 query)."""
    due = list(
        claims_visible_to(membership)
        .filter(status=C.APPROVED)
        .order_by("currency")
        .values("currency")
        .annotate(
            n=Count("pk"),
            total=Sum("approved_amount"),
            batched=Count("pk", filter=Q(batch__isnull=False)),
        )
    )
    lines = [
        TodoLine(
            ngettext(
                "claim due for payment (%(total)s)", "claims due for payment (%(total)s)", row["n"]
            )
            % {"total": format_money(row["total"], row["currency"])},
            row["n"],
            _list("claim", status=C.APPROVED),
            kind="warning",
        )
        for row in due
    ]
    batched = sum(row["batched"] for row in due)
    lines.append(
        TodoLine(
            ngettext(
                "of them in a payment batch, waiting for its payments",
                "of them in payment batches, waiting for their payments",
                batched,
            ),
            batched,
            _list("paymentbatch"),
            kind="none",
        )
    )
    return TodoCard(
        key="mdf_payments",
        title=gettext_lazy("MDF payments due"),
        lines=lines,
        empty=gettext_lazy(
            "No approved claim is waiting for payment. Claims become due when a CAM approves them."
        ),
        link=(gettext_lazy("Payment batches"), _list("paymentbatch")),
    )
