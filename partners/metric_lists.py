"""The admin lists behind the partners app's metrics (`Metric.list_url`).

`partners.active_users` links to the members list filtered to the partner users who can sign
in (and to the partner when given): a state, so the period does not narrow it. The other two
have no list: `partners.monthly_active_rate` counts the users who were members at any time in
the period (active now, or deactivated during it), which no filter of the members list can
say; `partners.months_in_program` is a median over partner companies, not a list to count."""

from django.urls import reverse
from django.utils.http import urlencode

from prm.metrics.periods import Period
from prm.tenancy.roles import PARTNER_ROLES


def active_users_list(period: Period, partner_id: int | None) -> str:
    """The active memberships of partner roles, whatever `period`."""
    query: dict[str, str | int] = {
        "role__in": ",".join(sorted(PARTNER_ROLES)),
        "is_active__exact": 1,
    }
    if partner_id is not None:
        query["partner"] = partner_id
    return reverse("admin:tenancy_membership_changelist") + "?" + urlencode(query)
