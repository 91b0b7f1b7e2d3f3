"""Who is told what when the deals app's events happen."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Link, Rule, register_recipients, register_rule
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from . import events
from .models import DealComment


def _deal_owner(event: Event) -> Iterable[Membership]:
    owner_id = event.data.get("owner_id")
    if not owner_id:
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=owner_id).select_related("user")


def _lead_partner_users(event: Event) -> Iterable[Membership]:
    partner_id = event.data.get("partner_id")
    if not partner_id:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=partner_id, is_active=True
    ).select_related("user")


def _thread_commenters(event: Event) -> list[Membership]:
    """The active members who wrote in the thread of the event's registration."""
    if event.subject is None:
        return []
    authors = DealComment.objects.filter(tenant=event.tenant, deal_id=event.subject.pk).values(
        "author_id"
    )
    return list(
        Membership.objects.filter(tenant=event.tenant, pk__in=authors, is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def _thread_staff(event: Event) -> Iterable[Membership]:
    """Vendor staff who took part in the thread and still see every partner (a program leader,
    partner ops): a partner's answer reaches who asked. CAMs are told as the partner's
    assigned CAMs (`assigned_cams`), so one unassigned since is not."""
    return [
        m for m in _thread_commenters(event) if m.is_vendor_staff and m.can("partners.view_all")
    ]


def _deal_submitter(event: Event) -> Iterable[Membership]:
    """The rep who registered it; the company's admins instead once that user's membership is
    no longer active (someone at the partner must hear the vendor)."""
    owner = list(_deal_owner(event))
    if owner and owner[0].is_active:
        return owner
    partner_id = event.data.get("partner_id")
    if not partner_id:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=int(partner_id), role=Role.PARTNER_ADMIN, is_active=True
    ).select_related("user")


def _thread_partner_users(event: Event) -> Iterable[Membership]:
    """Users of the registration's company who took part in the thread and may still see it
    (an admin who answered for the rep)."""
    partner_id = event.data.get("partner_id")
    owner_id = event.data.get("owner_id")
    return [
        m
        for m in _thread_commenters(event)
        if m.partner_id == partner_id and (m.pk == owner_id or m.can("portal.deals.company"))
    ]


register_recipients("deal_owner", _deal_owner)
register_recipients("lead_partner_users", _lead_partner_users)
register_recipients("deal_submitter", _deal_submitter)
register_recipients("thread_staff", _thread_staff)
register_recipients("thread_partner_users", _thread_partner_users)


def _deal_page(event: Event, recipient: Membership) -> str:
    if event.subject is None:
        return ""
    if recipient.is_vendor_staff:
        return reverse("admin:deals_deal_change", args=[event.subject.pk])
    return reverse("deals:detail", args=[event.subject.pk])


def _lead_page(event: Event, recipient: Membership) -> str:
    if event.subject is None:
        return ""
    if recipient.is_vendor_staff:
        return reverse("admin:deals_lead_change", args=[event.subject.pk])
    return reverse("deals:lead", args=[event.subject.pk])


def _thread_page(event: Event, recipient: Membership) -> str:
    """The registration's page, at its thread."""
    page = _deal_page(event, recipient)
    return f"{page}#comments" if page else ""


_PARTNER_SIDE = ("deal_owner", "partner_admins")


def _rule(
    key: str,
    event: str,
    description: str | Promise,
    recipients: tuple[str, ...],
    title: str | Promise,
    body: str | Promise,
    link: Link = _deal_page,
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
            category="deals",
            link=link,
            message=message,
        )
    )


_rule(
    "deals.deal.registered.tell_cams",
    events.DEAL_REGISTERED.name,
    _("Ask a partner's CAMs to decide a submitted registration."),
    ("assigned_cams",),
    _("{partner} registered {customer} ({deal})"),
    _("{amount}. Please decide by {due}."),
)
_rule(
    "deals.deal.conflict_detected.tell_cams",
    events.DEAL_CONFLICT.name,
    _("Tell a partner's CAMs that a registration conflicts with another partner's."),
    ("assigned_cams",),
    _("Conflict: {customer} ({deal}) is already registered"),
    _("{partner} registered a customer another registration holds. Compare the matches."),
)
_rule(
    "deals.deal.approved.tell_partner",
    events.DEAL_APPROVED.name,
    _("Tell the rep and the partner's admins that a registration was approved."),
    _PARTNER_SIDE,
    _("Approved: {customer} ({deal})"),
    _("Your registration is protected until {until}."),
    message="note",
)
_rule(
    "deals.deal.rejected.tell_partner",
    events.DEAL_REJECTED.name,
    _("Tell the rep and the partner's admins that a registration was rejected, and why."),
    _PARTNER_SIDE,
    _("Rejected: {customer} ({deal})"),
    _("Reason: {reason}"),
    message="note",
)
_rule(
    "deals.deal.info_requested.tell_partner",
    events.DEAL_INFO_REQUESTED.name,
    _("Ask the rep and the partner's admins for more information about a registration."),
    _PARTNER_SIDE,
    _("More information needed: {customer} ({deal})"),
    _(
        "{actor} needs more information before deciding. Answer by editing and resubmitting the "
        "registration."
    ),
    message="reason",
)
_rule(
    "deals.deal.sla_overdue.tell_cams",
    events.DEAL_SLA_OVERDUE.name,
    _("Remind a partner's CAMs that a registration is past its decision target."),
    ("assigned_cams",),
    _("Overdue: decide {customer} ({deal})"),
    _("The registration by {partner} was due for a decision by {due}."),
)
_rule(
    "deals.deal.sla_escalated.tell_leaders",
    events.DEAL_SLA_ESCALATED.name,
    _("Tell the program leaders that a registration is still undecided well past its target."),
    ("program_leaders",),
    _("Escalated: {customer} ({deal}) is still undecided"),
    _("The registration by {partner} was due for a decision by {due} and nobody has decided it."),
)
_rule(
    "deals.deal.expiring.tell_partner",
    events.DEAL_EXPIRING.name,
    _("Warn the rep and the partner's admins before a registration's protection ends."),
    _PARTNER_SIDE,
    _("{customer} ({deal}): protection ends in {days} days"),
    _("Your registration is protected until {until}. Close the deal or ask for an extension."),
)
_rule(
    "deals.deal.expired.tell_partner",
    events.DEAL_EXPIRED.name,
    _("Tell the rep and the partner's admins that a registration's protection ended."),
    _PARTNER_SIDE,
    _("Expired: {customer} ({deal})"),
    _("The protection of your registration ended. Register the customer again if you still "
      "work on it."),
)  # fmt: skip
_rule(
    "deals.extension.requested.tell_cams",
    events.EXTENSION_REQUESTED.name,
    _("Ask a partner's CAMs to decide an extension request."),
    ("assigned_cams",),
    _("{partner} asks {days} more days for {customer} ({deal})"),
    _("Decide whether to protect the registration for longer."),
    message="reason",
)
_rule(
    "deals.extension.decided.tell_partner",
    events.EXTENSION_DECIDED.name,
    _("Tell the rep and the partner's admins how an extension request was decided."),
    _PARTNER_SIDE,
    _("Extension {decision}: {customer} ({deal})"),
    _("Your registration is protected until {until}."),
    message="reason",
)
_rule(
    "deals.deal.won.tell_cams",
    events.DEAL_WON.name,
    _("Tell a partner's CAMs when one of its deals is won."),
    ("assigned_cams",),
    _("Won: {customer} ({deal}) by {partner}"),
    _("Final amount {final_amount}, closed on {closed_on}."),
)
_rule(
    "deals.deal.partner_commented.tell_vendor",
    events.DEAL_PARTNER_COMMENTED.name,
    _("Tell a partner's CAMs (and staff who took part in the thread) that the partner wrote in "
      "a registration's thread."),
    ("assigned_cams", "thread_staff"),
    _("{actor} ({partner}) commented on {customer} ({deal})"),
    _("Answer in the registration's thread."),
    _thread_page,
    message="comment",
)  # fmt: skip
_rule(
    "deals.deal.vendor_commented.tell_partner",
    events.DEAL_VENDOR_COMMENTED.name,
    _("Tell the rep who registered it (and the partner's users who took part in the thread) "
      "that the vendor wrote in a registration's thread."),
    ("deal_submitter", "thread_partner_users"),
    _("New comment on {customer} ({deal})"),
    _("{actor} wrote about your registration. Answer in its thread."),
    _thread_page,
    message="comment",
)  # fmt: skip
_rule(
    "deals.lead.assigned.tell_partner",
    events.LEAD_ASSIGNED.name,
    _("Tell a partner's users that a lead was assigned to them."),
    ("lead_partner_users",),
    _("New lead: {customer}"),
    _("{vendor} sent you a lead. Accept or decline it by {respond_by}."),
    _lead_page,
)
_rule(
    "deals.lead.declined.tell_staff",
    events.LEAD_DECLINED.name,
    _("Tell the partner's CAMs and partner ops that a lead was declined, to route it again."),
    ("assigned_cams", "partner_ops"),
    _("{partner} declined the lead {customer}"),
    _("Reason: {reason}. Route it to another partner."),
    _lead_page,
)
_rule(
    "deals.lead.expired.tell_staff",
    events.LEAD_EXPIRED.name,
    _("Tell the partner's CAMs and partner ops that a lead went unanswered and is back in the "
      "queue."),
    ("assigned_cams", "partner_ops"),
    _("Unanswered lead back in the queue: {customer}"),
    _("{partner} did not answer by the deadline. Route it to another partner."),
    _lead_page,
)  # fmt: skip
