"""Who is told what when the commissions app's events happen (every event of `events.py`).

Partners hear of their money: a commission earned on a deal (in the portal only: it comes often),
a statement ready and paid, a SPIF earned, a tier bonus, a reward, an adjustment, an answer to
their question, a plan change that touches their rate. The vendor hears of what waits for it: a
partner's question (the partner's CAMs and partner operations), a SPIF award to sign off and a
statement drafted (partner operations). Partner users are sent to the portal's pages, staff to
the admin's.

A rep hears of their own deal's money only when the tenant shows reps their earnings
(`CommissionSettings.reps_see_earnings`); a partner admin always does.
"""

from collections.abc import Callable, Iterable

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Link, Rule, register_recipients, register_rule
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from . import events
from .setup import commission_settings


def _owner_id(event: Event) -> int | None:
    """The partner user whose deal earned: the event's `owner_id`, else its subject's deal's
    owner (a SPIF award names its deal)."""
    owner_id = event.data.get("owner_id")
    if owner_id:
        return int(owner_id)
    subject = event.subject
    deal = getattr(subject, "deal", None) if subject is not None else None
    found = getattr(deal, "owner_id", None) or getattr(subject, "owner_id", None)
    return int(found) if found else None


def _deal_owner(event: Event) -> Iterable[Membership]:
    """The owner of the deal that earned, if they may see earnings (an admin, or a rep when the
    tenant shows reps theirs)."""
    owner_id = _owner_id(event)
    if owner_id is None:
        return []
    owner = (
        Membership.objects.filter(tenant=event.tenant, pk=owner_id, is_active=True)
        .select_related("user")
        .first()
    )
    if owner is None or owner.partner_id is None:
        return []
    if owner.role != Role.PARTNER_ADMIN and not commission_settings(event.tenant).reps_see_earnings:
        return []
    return [owner]


def _dispute_raiser(event: Event) -> Iterable[Membership]:
    """The partner admin who raised the question."""
    raised_by_id = event.data.get("raised_by_id")
    if not raised_by_id:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, pk=int(raised_by_id), is_active=True
    ).select_related("user")


register_recipients("commission_deal_owner", _deal_owner)
register_recipients("dispute_raiser", _dispute_raiser)


def _url(name: str, *args: int) -> str:
    """A URL of the commissions app, or "" while the part that serves it is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _subject_pk(event: Event, key: str) -> int | None:
    found = event.data.get(key) or getattr(event.subject, "pk", None)
    return int(found) if found else None


def _money_page(staff: str = "") -> Link:
    """The portal's money view for partner users; for staff, the admin page `staff`."""

    def link(event: Event, recipient: Membership) -> str:
        if recipient.is_vendor_staff:
            return _url(staff) if staff else ""
        return _url("commissions:money")

    return link


def _line_page(event: Event, recipient: Membership) -> str:
    """The line's page: its trace in the portal, its ledger row in the admin UI."""
    pk = _subject_pk(event, "line_id")
    if pk is None:
        return ""
    if recipient.is_vendor_staff:
        return _url("admin:commissions_line_change", pk)
    return _url("commissions:line", pk)


def _dispute_page(event: Event, recipient: Membership) -> str:
    """The dispute's page in the admin UI; the line's page (with its thread) in the portal."""
    if recipient.is_vendor_staff:
        pk = _subject_pk(event, "dispute_id")
        return _url("admin:commissions_dispute_change", pk) if pk else ""
    line_id = event.data.get("line_id")
    return _url("commissions:line", int(line_id)) if line_id else _url("commissions:money")


def _statement_page(event: Event, recipient: Membership) -> str:
    """The statement in the portal (else the money view) or in the admin UI."""
    pk = _subject_pk(event, "statement_id")
    if recipient.is_vendor_staff:
        return _url("admin:commissions_statement_change", pk) if pk else ""
    return (_url("commissions:statement", pk) if pk else "") or _url("commissions:money")


def _incentives_page(staff: str) -> Link:
    def link(event: Event, recipient: Membership) -> str:
        if recipient.is_vendor_staff:
            return _url(staff)
        return _url("commissions:incentives") or _url("commissions:money")

    return link


_ADMINS = ("partner_admins",)


def _rule(
    key: str,
    event: str,
    description: str | Promise,
    recipients: tuple[str, ...],
    title: str | Promise,
    body: str | Promise,
    link: Callable[[Event, Membership], str],
    *,
    email: bool = True,
    message: str = "",
) -> None:
    register_rule(
        Rule(
            key=key,
            event=event,
            description=description,
            recipients=recipients,
            title=title,
            body=body,
            category="commissions",
            email=email,
            link=link,
            message=message,
        )
    )


# The ledger

_rule(
    "commissions.line.accrued.tell_partner",
    events.LINE_ACCRUED.name,
    _("Tell the deal's owner and the partner's admins what a won deal earned (in the portal "
      "only, unless the tenant turns its email on)."),
    ("commission_deal_owner", *_ADMINS),
    _("You earned {amount} pending on {deal}"),
    _("The commission on {deal} is pending until it is approved, then paid with your "
      "statement."),
    _line_page,
    email=False,
)  # fmt: skip
_rule(
    "commissions.line.reversed.tell_partner",
    events.LINE_REVERSED.name,
    _("Tell the deal's owner and the partner's admins that a commission was reversed, and why."),
    ("commission_deal_owner", *_ADMINS),
    _("Reversed: {source} of {amount}"),
    _("{source} of {amount} was reversed. Why: {reason}"),
    _line_page,
)
_rule(
    "commissions.adjustment.posted.tell_partner",
    events.ADJUSTMENT_POSTED.name,
    _("Tell the partner's admins that partner operations posted an adjustment, and why."),
    _ADMINS,
    _("Adjustment of {amount} to your earnings"),
    _("{vendor} posted an adjustment of {amount}: {reason}"),
    _line_page,
)

# Statements

_rule(
    "commissions.statement.drafted.tell_ops",
    events.STATEMENT_DRAFTED.name,
    _("Ask partner operations to review a statement drafted when its period closed."),
    ("partner_ops",),
    _("Statement {statement} for {partner} to review"),
    _("{partner}'s statement for {period} was drafted ({total}). Review and approve it."),
    _statement_page,
)
_rule(
    "commissions.statement.ready.tell_partner",
    events.STATEMENT_READY.name,
    _("Tell the partner's admins that their statement is approved and ready to download."),
    _ADMINS,
    _("Your statement {statement} is ready"),
    _("Your statement for {period} is approved: {total}, to be paid on {payout_on}."),
    _statement_page,
)
_rule(
    "commissions.statement.paid.tell_partner",
    events.STATEMENT_PAID.name,
    _("Tell the partner's admins that their statement was paid, when and with which reference."),
    _ADMINS,
    _("Statement {statement} paid: {total}"),
    _("Your statement for {period} was paid on {paid_on} (payment reference {reference})."),
    _statement_page,
)

# Incentives

_rule(
    "commissions.spif.earned.tell_partner",
    events.SPIF_EARNED.name,
    _("Tell the partner's admins and the deal's owner that they earned a SPIF."),
    ("commission_deal_owner", *_ADMINS),
    _("You earned {amount} from {campaign}"),
    _("{deal} earned {amount} from the {campaign} incentive."),
    _incentives_page("admin:commissions_spif_queue"),
)
_rule(
    "commissions.spif.waiting.tell_ops",
    events.SPIF_WAITING.name,
    _("Ask partner operations to sign off a SPIF award."),
    ("partner_ops",),
    _("SPIF award to sign off: {partner}, {amount}"),
    _("{partner} earned {amount} from {campaign} on {deal}. Approve or decline the award."),
    _incentives_page("admin:commissions_spif_queue"),
)
_rule(
    "commissions.tier_bonus.earned.tell_partner",
    events.TIER_BONUS_EARNED.name,
    _("Tell the partner's admins that they met a tier bonus's threshold."),
    _ADMINS,
    _("You earned the {bonus} bonus: {amount}"),
    _("For {period}, your company met the {bonus} threshold and earned {amount}."),
    _incentives_page("admin:commissions_tierbonusrule_changelist"),
)
_rule(
    "commissions.reward.given.tell_partner",
    events.REWARD_GIVEN.name,
    _("Tell the partner's admins of a recognition or an event invitation."),
    _ADMINS,
    _("{title}"),
    _("{vendor} gave {partner} a reward ({kind}): {title}."),
    _incentives_page("admin:commissions_reward_changelist"),
)

# Disputes

_rule(
    "commissions.dispute.raised.tell_vendor",
    events.DISPUTE_RAISED.name,
    _("Ask the partner's CAMs and partner operations to look at a line a partner questioned."),
    ("assigned_cams", "partner_ops"),
    _("{partner} questions a commission line ({amount})"),
    _("{actor} of {partner} asks about {source} of {amount}. Answer it, with an adjustment if "
      "the line is wrong."),
    _dispute_page,
    message="message",
)  # fmt: skip
_rule(
    "commissions.dispute.answered.tell_partner",
    events.DISPUTE_ANSWERED.name,
    _("Tell the partner's admins and who asked that their question about a line was answered."),
    ("dispute_raiser", *_ADMINS),
    _("Your question about {source} of {amount} was answered"),
    _("{vendor} answered your question about a commission line."),
    _dispute_page,
    message="message",
)

# Plans

_rule(
    "commissions.plan.changed.tell_partner",
    events.PLAN_CHANGED.name,
    _("Tell a partner's admins that a new plan version changes their rate."),
    _ADMINS,
    _("Your commission plan changes on {effective_from}"),
    _("{plan}: from {effective_from}, deals you win earn under the new version. {note}"),
    _money_page(),
)
