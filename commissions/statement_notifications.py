"""Who is told what when a statement moves (part B): the partner's admins when their statement
is ready (approved, with the payout day) and when it is paid (the day and the reference);
partner operations when a period's drafts wait for review is the to-do card's job, not a
message per statement. Links lead partner users to the portal's statement and staff to the
admin's statement page.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_rule
from prm.tenancy.models import Membership

from . import events


def statement_page(event: Event, recipient: Membership) -> str:
    pk = event.data.get("statement_id")
    if not pk:
        return ""
    if recipient.is_vendor_staff:
        return reverse("admin:commissions_statement_change", args=[pk])
    return reverse("commissions:statement", args=[pk])


register_rule(
    Rule(
        key="commissions.statement.ready.tell_partner",
        event=events.STATEMENT_READY.name,
        description=_(
            "Tell a partner's admins that its statement was approved and when it is paid."
        ),
        recipients=("partner_admins",),
        title=_("Your commission statement {statement} is ready"),
        body=_("{period}: {total}, paid on {payout_on}. Download it as a PDF or CSV."),
        category="commissions",
        link=statement_page,
    )
)
register_rule(
    Rule(
        key="commissions.statement.paid.tell_partner",
        event=events.STATEMENT_PAID.name,
        description=_("Tell a partner's admins that its statement was paid, when and how."),
        recipients=("partner_admins",),
        title=_("Paid: commission statement {statement}"),
        body=_("{total} paid on {paid_on}, reference {reference}."),
        category="commissions",
        link=statement_page,
    )
)
