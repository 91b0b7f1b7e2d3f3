"""The staff to-do home's cards of reporting: KPI alerts (C), open alerts addressed to the member
that nobody acknowledged yet and how many of those are snoozed; business reviews (E), drafts to
finish and action items overdue or due this week. One query each."""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .alerts.services import alerts_visible_to
from .models import Alert, Qbr, QbrActionItem
from .qbrs.selectors import action_items_visible_to, qbrs_visible_to


def _list(**params: str) -> str:
    url = reverse("admin:reporting_alert_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def open_alerts_todo(membership: Membership) -> TodoCard:
    """Open alerts the member owns (1 query): to acknowledge or snooze."""
    today = timezone.localdate()
    n = (
        alerts_visible_to(membership)
        .filter(owner_ids__contains=[membership.pk], state=Alert.State.OPEN)
        .aggregate(
            open=Count("pk"),
            snoozed=Count("pk", filter=Q(snoozed_until__gte=today)),
        )
    )
    awake = n["open"] - n["snoozed"]
    lines = [
        TodoLine(
            ngettext("open alert for you", "open alerts for you", awake),
            awake,
            _list(state=Alert.State.OPEN, mine="1"),
            kind="warning",
        )
    ]
    if n["snoozed"]:
        lines.append(
            TodoLine(
                ngettext("snoozed alert", "snoozed alerts", n["snoozed"]),
                n["snoozed"],
                _list(state=Alert.State.OPEN, mine="1"),
            )
        )
    return TodoCard(
        key="reporting_alerts",
        title=gettext_lazy("KPI alerts"),
        lines=lines,
        empty=gettext_lazy(
            "No open alert is addressed to you. Alerts open when a KPI rule's condition starts "
            "holding for one of your partners; leaders set the rules under Reporting."
        ),
        link=(gettext_lazy("Alerts"), _list()),
    )


def _changelist(model: str, **params: str) -> str:
    url = reverse(f"admin:reporting_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def qbrs_todo(membership: Membership) -> TodoCard:
    """Draft reviews of the member's partners, and their action items overdue or due within a
    week (2 queries)."""
    today = timezone.localdate()
    drafts = qbrs_visible_to(membership).filter(status=Qbr.Status.DRAFT).count()
    items = action_items_visible_to(membership).filter(status=QbrActionItem.Status.OPEN)
    n = items.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=7))),
    )
    lines = [
        TodoLine(
            ngettext("draft review to finish", "draft reviews to finish", drafts),
            drafts,
            _changelist("qbr", status=Qbr.Status.DRAFT),
        ),
        TodoLine(
            ngettext("action item overdue", "action items overdue", n["overdue"]),
            n["overdue"],
            _changelist("qbractionitem", due="overdue"),
            kind="warning",
        ),
        TodoLine(
            ngettext("action item due this week", "action items due this week", n["soon"]),
            n["soon"],
            _changelist("qbractionitem", due="week"),
        ),
    ]
    return TodoCard(
        key="reporting_qbrs",
        title=gettext_lazy("Business reviews"),
        lines=lines,
        empty=gettext_lazy(
            "No draft review and no action item due. Prepare each partner's quarterly "
            "business review under Reporting: its figures are read for you."
        ),
        link=(gettext_lazy("Business reviews"), _changelist("qbr")),
    )
