"""The staff to-do home's card of KPI alerts (C): open alerts addressed to the member that
nobody acknowledged yet, and how many of those are snoozed. One query."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .alerts.services import alerts_visible_to
from .models import Alert


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
