"""The partner page's "Earnings" section (`prm.workspace.partner_page`): what a CAM asks before
a call about money — what the partner has earned, what is pending, approved and paid per
currency (from every money source, MDF reimbursements included), the latest ledger lines, its
statements and the questions it waits on.

Reads start from what the viewing member may see (`commissions.portal.lines_visible_to`,
`disputes_visible_to`); the partner page itself already refuses a partner the CAM does not
manage. A fixed number of queries whatever the ledger's size.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection

from .models import Dispute, Statement, StatementTotal
from .portal import disputes_visible_to, partner_money

#: statements and open questions listed by name
SHOWN = 4


def _url(name: str, *args: Any, query: str = "") -> str:
    """An admin page of the commissions app, or "" while the part serving it is not there."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def earnings_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Totals by state and currency, the latest lines, the latest statements and the open
    questions (about 8 queries)."""
    money = partner_money(membership, partner.pk, latest=5)
    statements = list(
        Statement.objects.filter(tenant_id=partner.tenant_id, partner=partner)
        .prefetch_related(
            Prefetch("totals", queryset=StatementTotal.objects.filter(tenant_id=partner.tenant_id))
        )
        .order_by("-period_end", "-id")[:SHOWN]
    )
    open_disputes = list(
        disputes_visible_to(membership)
        .filter(partner=partner, status=Dispute.Status.OPEN)
        .select_related("line__deal")
        .order_by("updated_at", "id")[:SHOWN]
    )
    links = [
        (label, url)
        for label, url in (
            (
                gettext_lazy("Its ledger"),
                _url("admin:commissions_line_changelist", query=f"partner={partner.pk}"),
            ),
            (
                gettext_lazy("Its statements"),
                _url("admin:commissions_statement_changelist", query=f"partner={partner.pk}"),
            ),
            (
                gettext_lazy("Its questions"),
                _url("admin:commissions_dispute_changelist", query=f"partner={partner.pk}"),
            ),
        )
        if url
    ]
    return PartnerSection(
        key="earnings",
        title=gettext_lazy("Earnings"),
        template="admin/commissions/overview/earnings.html",
        context={
            "money": money,
            "statements": statements,
            "disputes": open_disputes,
            "partner": partner,
        },
        links=links,
    )


def disputes_of_partner(partner: Partner) -> QuerySet[Dispute]:
    """The partner's disputes, whose history (raised, answered) belongs on its page."""
    return Dispute.objects.filter(tenant_id=partner.tenant_id, partner=partner)
