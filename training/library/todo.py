"""The content library's card on the staff to-do home: assets due for review (stale content
partners may still be reading)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.dates import format_day
from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import badge

from ..models import Asset
from .selectors import review_due

#: assets shown by name on the card
ROWS = 5


def review_todo(membership: Membership) -> TodoCard:
    """How many assets are due for review, the longest overdue by name (2 queries)."""
    due = review_due(membership)
    count = due.count()
    listing = reverse("admin:training_asset_changelist")
    rows = [
        TodoRow(
            title=asset.title,
            url=reverse("admin:training_asset_change", args=[asset.pk]),
            detail=_("%(type)s, review due %(day)s")
            % {"type": asset.get_type_display(), "day": format_day(asset.review_by)},
            badge=badge("status-approved", _("published"))
            if asset.status == Asset.Status.PUBLISHED
            else badge("status-draft", _("draft")),
        )
        for asset in due[:ROWS]
    ]
    return TodoCard(
        key="library-review",
        title=gettext_lazy("Content library"),
        lines=[
            TodoLine(
                ngettext("asset due for review", "assets due for review", count),
                count,
                f"{listing}?review=due",
                kind="warning",
            )
        ],
        empty=gettext_lazy(
            "No asset is due for review. Give an asset a review date and it shows here when "
            "the date comes, so nothing stale stays in front of partners."
        ),
        link=(gettext_lazy("The content library"), listing),
        rows=rows,
        rows_title=gettext_lazy("Longest overdue"),
    )
