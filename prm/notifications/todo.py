"""The unread notifications card of the staff to-do home (`prm.workspace.todo`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from prm.dates import format_moment
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow

from .selectors import notifications_for

#: unread notifications shown by title, newest first
ROWS = 5


def unread_todo(membership: Membership) -> TodoCard:
    """The member's unread notifications: how many, and the newest by title (2 queries).
    Opening one marks it read and leads to what it is about."""
    unread = notifications_for(tenant=membership.tenant, user=membership.user).filter(
        read_at__isnull=True
    )
    count = unread.count()
    rows = [
        TodoRow(
            title=n.title,
            url=reverse("notifications:open", args=[n.pk]),
            detail=format_moment(n.created_at),
        )
        for n in unread[:ROWS]
    ]
    return TodoCard(
        key="notifications",
        title=gettext_lazy("Notifications"),
        lines=[
            TodoLine(
                ngettext("unread notification", "unread notifications", count),
                count,
                reverse("admin:notifications"),
            )
        ],
        empty=gettext_lazy(
            "You have read every notification. New ones also show on the bell at the top of "
            "every page."
        ),
        link=(gettext_lazy("All notifications"), reverse("admin:notifications")),
        rows=rows,
        rows_title=gettext_lazy("Newest"),
    )
