"""Small helpers the deal registration admin pages share: object ids, badges, moments,
durations."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.filters import parse_id

from ..sla import business_hours_between


@dataclass(frozen=True)
class Badge:
    """A coloured label, worked out in Python and placed by a template (see
    `prm.workspace.ui.badge` for the kinds)."""

    kind: str
    text: str
    title: str = ""


def object_pk(object_id: str) -> int:
    """The primary key in an admin URL (`<path:object_id>`, as the model admin's own URLs have
    it); anything else is a missing object (404)."""
    pk = parse_id(object_id)
    if pk is None:
        raise Http404
    return pk


def hours_text(hours: Decimal) -> str:
    """Business hours, rounded to whole hours, as a person reads them."""
    whole = int(hours.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole < 1:
        return _("less than 1 h")
    return ngettext("%(n)d h", "%(n)d h", whole) % {"n": whole}


def waiting_text(since: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited, in calendar time ("2 days, 3 hours")."""
    if since is None:
        return "—"
    return timesince(since, now or timezone.now(), depth=2)


def sla_state(due: datetime, time_zone: str, now: datetime | None = None) -> tuple[str, str]:
    """(badge kind, text) of a decision clock: "12 h left" or "overdue by 5 h", in business
    hours; the warning colour in the last 8 business hours."""
    now = now or timezone.now()
    if now >= due:
        late = business_hours_between(due, now, time_zone)
        return "failed", _("overdue by %(hours)s") % {"hours": hours_text(late)}
    left = business_hours_between(now, due, time_zone)
    kind = "medium" if left <= 8 else "high"
    return kind, _("%(hours)s left") % {"hours": hours_text(left)}
