"""Events of the commissions app (emitted by its services), and the data each carries.

Notification rules for them are in `notifications.py`; the audit sentences in `phrases.py`.
The app subscribes to the deals app's outcome events in `accrual.py`.
"""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from deals.events import tenant_day
from prm.money import format_money
from prm.notifications.categories import declare_category
from prm.notifications.events import declare

from .models import Line, Statement

declare_category("commissions", _("Commissions and incentives"))

_LINE = ("partner", "amount", "source")
_STATEMENT = ("statement", "partner", "period", "total")

LINE_ACCRUED = declare(
    "commissions.line.accrued",
    "A won deal accrued a commission line (pending until approved).",
    (*_LINE, "deal"),
)
LINE_REVERSED = declare(
    "commissions.line.reversed",
    "A commission line was reversed, with the reason (a deal reopened, lost or corrected).",
    (*_LINE, "reason"),
)
ADJUSTMENT_POSTED = declare(
    "commissions.adjustment.posted",
    "Partner operations posted a manual adjustment to a partner's ledger, with the reason.",
    (*_LINE, "reason"),
)
STATEMENT_DRAFTED = declare(
    "commissions.statement.drafted",
    "A period closed and a partner's statement was drafted for review.",
    _STATEMENT,
)
STATEMENT_READY = declare(
    "commissions.statement.ready",
    "A statement was approved: the partner can read and download it.",
    (*_STATEMENT, "payout_on"),
)
STATEMENT_PAID = declare(
    "commissions.statement.paid",
    "A statement was paid, with the payment date and reference.",
    (*_STATEMENT, "paid_on", "reference"),
)
SPIF_EARNED = declare(
    "commissions.spif.earned",
    "A partner earned a SPIF award (applied, or signed off by partner operations).",
    ("campaign", "partner", "amount", "deal"),
)
SPIF_WAITING = declare(
    "commissions.spif.waiting",
    "A SPIF award waits for partner operations to sign it off.",
    ("campaign", "partner", "amount", "deal"),
)
TIER_BONUS_EARNED = declare(
    "commissions.tier_bonus.earned",
    "A partner met a tier bonus's threshold for a period and earned the bonus.",
    ("bonus", "partner", "amount", "period"),
)
REWARD_GIVEN = declare(
    "commissions.reward.given",
    "A partner was given recognition or an event invitation.",
    ("partner", "title", "kind"),
)
DISPUTE_RAISED = declare(
    "commissions.dispute.raised",
    "A partner admin questioned a commission line.",
    (*_LINE, "message"),
)
DISPUTE_ANSWERED = declare(
    "commissions.dispute.answered",
    "Partner operations answered a question about a commission line (maybe with an adjustment).",
    (*_LINE, "message"),
)
PLAN_CHANGED = declare(
    "commissions.plan.changed",
    "A new commission plan version was published; partners whose rate changes are told.",
    ("plan", "effective_from", "partner", "note"),
)


def line_event_data(line: Line, **extra: Any) -> dict[str, Any]:
    """The placeholders every line event offers (and the ids recipients are found by)."""
    return {
        "partner": line.partner.name,
        "partner_id": line.partner_id,
        "owner_id": line.owner_id,
        "amount": format_money(line.amount, line.currency),
        "source": str(line.get_source_display()),
        "deal": line.deal.reference if line.deal_id is not None else "",  # type: ignore[union-attr]
        **extra,
    }


def statement_event_data(statement: Statement, **extra: Any) -> dict[str, Any]:
    """The placeholders every statement event offers; `total` lists each currency's payable."""
    totals = list(statement.totals.all())
    return {
        "statement": statement.reference,
        "partner": statement.partner.name,
        "partner_id": statement.partner_id,
        "period": gettext_now("%(start)s to %(end)s")
        % {
            "start": tenant_day(statement.tenant, statement.period_start),
            "end": tenant_day(statement.tenant, statement.period_end),
        },
        "total": ", ".join(format_money(t.payable, t.currency) for t in totals) or "—",
        **extra,
    }
