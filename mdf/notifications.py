"""Who is told what when the MDF app's events happen.

Partners hear of their requests and claims (the decision and its reason, the question asked,
the claim deadline, the payment); the partner's CAMs of what waits for their decision; program
leaders of second approvals and escalations. Links lead staff to the admin's decision screens
and partner users to the portal's pages.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Link, Rule, register_recipients, register_rule
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from . import events
from .setup import mdf_settings


def _partner_admins_of(event: Event) -> Iterable[Membership]:
    partner_id = event.data.get("partner_id")
    if not partner_id:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=int(partner_id), role=Role.PARTNER_ADMIN, is_active=True
    ).select_related("user")


def _mdf_owner(event: Event) -> Iterable[Membership]:
    """Who filed the request or claim; the company's admins instead once that user's membership
    is no longer active (someone at the partner must hear of its money)."""
    owner_id = event.data.get("owner_id")
    if owner_id:
        owner = list(
            Membership.objects.filter(
                tenant=event.tenant, pk=owner_id, is_active=True
            ).select_related("user")
        )
        if owner:
            return owner
    return _partner_admins_of(event)


def _mdf_reps(event: Event) -> Iterable[Membership]:
    """The partner's reps, when the tenant lets reps ask for funds (else they cannot act on
    what they would be told)."""
    partner_id = event.data.get("partner_id")
    if not partner_id or not mdf_settings(event.tenant).reps_may_request:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=int(partner_id), role=Role.PARTNER_REP, is_active=True
    ).select_related("user")


register_recipients("mdf_owner", _mdf_owner)
register_recipients("mdf_reps", _mdf_reps)


def _page(staff: str, portal: str, id_key: str) -> Link:
    """A link to the admin page `staff` for vendor staff and the portal page `portal` for
    partner users, of the object whose id the event's data holds under `id_key`."""

    def link(event: Event, recipient: Membership) -> str:
        pk = event.data.get(id_key)
        if not pk:
            return ""
        return reverse(staff if recipient.is_vendor_staff else portal, args=[pk])

    return link


_request_page = _page("admin:mdf_mdfrequest_change", "mdf:request", "request_id")
_claim_page = _page("admin:mdf_claim_change", "mdf:claim", "claim_id")


def _funds_page(event: Event, recipient: Membership) -> str:
    """The portal's Funds page (balances, open windows); staff see the fund's allocations."""
    if recipient.is_vendor_staff:
        fund_id = event.data.get("fund_id")
        return reverse("admin:mdf_fund_overview", args=[fund_id]) if fund_id else ""
    return reverse("mdf:funds")


_PARTNER_SIDE = ("mdf_owner", "partner_admins")


def _rule(
    key: str,
    event: str,
    description: str | Promise,
    recipients: tuple[str, ...],
    title: str | Promise,
    body: str | Promise,
    link: Link = _request_page,
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
            category="mdf",
            link=link,
            message=message,
        )
    )


# Requests

_rule(
    "mdf.request.submitted.tell_cams",
    events.REQUEST_SUBMITTED.name,
    _("Ask a partner's CAMs to decide a request for funds."),
    ("assigned_cams",),
    _("{partner} asks for {amount} from {fund} ({request})"),
    _("{title}. Please decide by {due}. {review}"),
)
_rule(
    "mdf.request.approved.tell_partner",
    events.REQUEST_APPROVED.name,
    _("Tell who filed a request and the partner's admins that it was approved, for how much and "
      "why."),
    _PARTNER_SIDE,
    _("Approved: {title} ({request})"),
    _("{approved} of the {amount} you asked for from {fund} is yours for this campaign. File "
      "your claim with proof of performance by {claim_due}."),
    message="reason",
)  # fmt: skip
_rule(
    "mdf.request.second_approval.tell_leaders",
    events.REQUEST_SECOND_APPROVAL.name,
    _("Ask the program leaders to give the second approval to a request above the fund's "
      "threshold."),
    ("program_leaders",),
    _("Second approval: {title} ({request}) by {partner}"),
    _("{actor} approved {approved} of {amount} from {fund}. Above the fund's threshold, a "
      "program leader approves it too."),
    message="reason",
)  # fmt: skip
_rule(
    "mdf.request.rejected.tell_partner",
    events.REQUEST_REJECTED.name,
    _("Tell who filed a request and the partner's admins that it was rejected, and why."),
    _PARTNER_SIDE,
    _("Rejected: {title} ({request})"),
    _("Your request for {amount} from {fund} was rejected. Fix it and submit it again."),
    message="reason",
)
_rule(
    "mdf.request.declined.tell_partner",
    events.REQUEST_DECLINED.name,
    _("Tell who filed a request and the partner's admins that it was declined (final), and why."),
    _PARTNER_SIDE,
    _("Declined: {title} ({request})"),
    _("Your request for {amount} from {fund} was declined. This decision is final."),
    message="reason",
)
_rule(
    "mdf.request.info_requested.tell_owner",
    events.REQUEST_INFO_REQUESTED.name,
    _("Ask who filed a request for the information the CAM needs, quoting the question."),
    ("mdf_owner",),
    _("More information needed: {title} ({request})"),
    _("{actor} needs more information before deciding. Answer by editing the request and "
      "submitting it again."),
    message="question",
)  # fmt: skip
_rule(
    "mdf.request.sla_overdue.tell_cams",
    events.REQUEST_SLA_OVERDUE.name,
    _("Remind a partner's CAMs that a request for funds is past its decision target."),
    ("assigned_cams",),
    _("Overdue: decide {title} ({request})"),
    _("The request by {partner} for {amount} from {fund} was due for a decision by {due}."),
)
_rule(
    "mdf.request.sla_escalated.tell_leaders",
    events.REQUEST_SLA_ESCALATED.name,
    _("Tell the program leaders that a request for funds is still undecided well past its "
      "target."),
    ("program_leaders",),
    _("Escalated: {title} ({request}) is still undecided"),
    _("The request by {partner} for {amount} from {fund} was due for a decision by {due} and "
      "nobody has decided it."),
)  # fmt: skip

# Claims

_rule(
    "mdf.claim.submitted.tell_cams",
    events.CLAIM_SUBMITTED.name,
    _("Ask a partner's CAMs to review a claim and its proof of performance."),
    ("assigned_cams",),
    _("{partner} filed {claim} for {title}"),
    _("Actual spend {spend} against {request} from {fund}. Check the proof and decide."),
    _claim_page,
)
_rule(
    "mdf.claim.info_requested.tell_owner",
    events.CLAIM_INFO_REQUESTED.name,
    _("Ask who filed a claim for the information the CAM needs, quoting the question."),
    ("mdf_owner",),
    _("More information needed: {claim} ({title})"),
    _("{actor} needs more information before deciding your claim. Answer by editing it and "
      "filing it again."),
    _claim_page,
    message="question",
)  # fmt: skip
_rule(
    "mdf.claim.approved.tell_owner",
    events.CLAIM_APPROVED.name,
    _("Tell who filed a claim that it was approved, for how much, and why."),
    ("mdf_owner",),
    _("Claim approved: {claim} ({title})"),
    _("{approved} will be paid to {partner}. You are told when it is paid."),
    _claim_page,
    message="reason",
)
_rule(
    "mdf.claim.rejected.tell_owner",
    events.CLAIM_REJECTED.name,
    _("Tell who filed a claim that it was rejected, and why."),
    ("mdf_owner",),
    _("Claim rejected: {claim} ({title})"),
    _("Your claim for {spend} against {request} was rejected."),
    _claim_page,
    message="reason",
)
_rule(
    "mdf.claim.paid.tell_partner",
    events.CLAIM_PAID.name,
    _("Tell who filed a claim and the partner's admins that it was paid, when and with which "
      "reference."),
    _PARTNER_SIDE,
    _("Paid: {claim} ({title})"),
    _("{approved} paid on {paid_on}, reference {reference}."),
    _claim_page,
)  # fmt: skip
_rule(
    "mdf.claim.due_soon.tell_owner",
    events.CLAIM_DUE_SOON.name,
    _("Remind who filed an approved request to claim it, 14 and 3 days before the deadline."),
    ("mdf_owner",),
    _("Claim due in {days} days: {title} ({request})"),
    _("File your claim with proof of performance by {claim_due}. After that day it is refused "
      "unless your CAM extends the deadline."),
)  # fmt: skip
_rule(
    "mdf.claim.overdue.tell_owner",
    events.CLAIM_OVERDUE.name,
    _("Tell who filed an approved request that its claim deadline passed with no claim."),
    ("mdf_owner",),
    _("Claim deadline passed: {title} ({request})"),
    _("The claim was due by {claim_due}. If the activity ran, ask your channel account manager "
      "to extend the deadline."),
)  # fmt: skip
_rule(
    "mdf.claim.extended.tell_owner",
    events.CLAIM_EXTENDED.name,
    _("Tell who filed an approved request that the CAM extended its claim deadline, and why."),
    ("mdf_owner",),
    _("Claim deadline extended: {title} ({request})"),
    _("You may file your claim until {claim_due}."),
    message="reason",
)

# Funds and allocations

_rule(
    "mdf.fund.window_opened.tell_partner",
    events.WINDOW_OPENED.name,
    _("Tell the partners with an allocation (admins, and reps when they may request) that a "
      "fund's request window opened."),
    ("partner_admins", "mdf_reps"),
    _("{fund} is open for requests"),
    _("{partner} may ask for up to {allocated}. Requests close on {closes}."),
    _funds_page,
)  # fmt: skip
_rule(
    "mdf.allocation.low.tell_partner",
    events.ALLOCATION_LOW.name,
    _("Tell a partner's admins that what they may still ask for from a fund is running low."),
    ("partner_admins",),
    _("{fund}: {available} left to ask for"),
    _("Of the {allocated} allocated to {partner}, {available} is still available."),
    _funds_page,
)
_rule(
    "mdf.allocation.changed.tell_partner",
    events.ALLOCATION_CHANGED.name,
    _("Tell a partner's admins that their allocation of a fund was set or changed."),
    ("partner_admins",),
    _("{fund}: your allocation is now {allocated}"),
    _("{partner} may ask for funds from {fund} up to this amount."),
    _funds_page,
    message="reason",
)
