"""The SPIF sign-off card of the staff to-do home (`prm.workspace.todo`): the awards waiting for
partner operations, counted in one query (from `spifs.waiting_awards`, so a member counts only
the partners they see)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .spifs import waiting_awards


def spif_awards_todo(membership: Membership) -> TodoCard:
    """ "N SPIF awards to sign off" (1 query)."""
    n = waiting_awards(membership).order_by().aggregate(n=Count("pk"))["n"]
    queue = reverse("admin:commissions_spif_queue")
    return TodoCard(
        key="commissions_spif_awards",
        title=gettext_lazy("SPIF awards to sign off"),
        lines=[
            TodoLine(
                ngettext("SPIF award to sign off", "SPIF awards to sign off", n),
                n,
                queue,
                kind="warning",
            )
        ],
        empty=gettext_lazy(
            "No SPIF award waits for sign-off. Awards of campaigns signed off by partner "
            "operations appear here as partners win deals."
        ),
        link=(gettext_lazy("The sign-off queue"), queue),
    )
