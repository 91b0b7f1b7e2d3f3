"""One registration: everything typed, where it stands, its history, its files and its thread
with the vendor, and what can be done next."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import TenantRequest

from .. import workflow
from ..conflicts import precheck
from ..forms import AttachmentForm, CommentForm, WithdrawForm
from ..models import CLAIM_STATUSES, Deal, DealExtension, DealSettings
from ..selectors import attachments_of, comments_of, competing_with, deal_settings_for, timeline
from ..services.attachments import attachments_open, may_delete_attachment
from ..services.comments import thread_open, thread_read
from .common import deal_of
from .registration import verdict_context

#: the buttons of the detail page, by workflow action
ACTIONS = ("edit", "submit", "withdraw", "win", "lose", "request_extension")


@requires("portal.deals")
def detail(request: TenantRequest, pk: int) -> HttpResponse:
    return detail_page(request, deal_of(request, pk))


def detail_page(
    request: TenantRequest,
    deal: Deal,
    *,
    attachment_form: AttachmentForm | None = None,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    """The registration's page; with a form that came back with errors (a refused file, an
    empty comment) shown where it was sent from (status 200: nothing was changed)."""
    membership = request.membership
    # Looking at the thread is reading it: its notifications stop counting in the bell.
    thread_read(actor=membership, deal=deal)
    extensions = list(deal.extensions.all())
    now = timezone.now()
    # A later registration of another partner names this customer: the partner is told that
    # one exists, and what the program's rule makes of it, never whose it is.
    contested = deal.status in CLAIM_STATUSES and competing_with(deal).exists()
    context: dict[str, Any] = {
        "deal": deal,
        "products": list(deal.products.all()),
        "extensions": extensions,
        "pending_extension": any(e.status == DealExtension.Status.PENDING for e in extensions),
        "timeline": timeline(deal),
        # a partner marks lost only a deal still open (a won one is lost by its CAM)
        "can": {
            action: workflow.allowed(deal, action)
            and not (action == "lose" and deal.status == Deal.Status.WON)
            for action in ACTIONS
        },
        "withdraw_form": WithdrawForm(),
        "now": now,
        "overdue": deal.status == Deal.Status.SUBMITTED
        and deal.sla_due_at is not None
        and deal.sla_due_at <= now,
        "contested": contested,
        "first_wins": contested
        and deal_settings_for(request.tenant).engagement_rule == DealSettings.Engagement.FIRST_WINS,
        "company_view": membership.can("portal.deals.company"),
        **exchange_context(membership, deal, attachment_form, comment_form),
    }
    if deal.status == Deal.Status.SUBMITTED and not contested:
        # The conflict check as the partner saw it on submitting: names nobody else.
        verdict = precheck(
            tenant=request.tenant,
            name=deal.customer_name,
            website=deal.customer_website,
            partner_id=deal.partner_id,
            exclude_deal_id=deal.pk,
        )
        context.update(verdict_context(request, verdict))
    return render(request, "deals/deal_detail.html", context)


def exchange_context(
    membership: Membership,
    deal: Deal,
    attachment_form: AttachmentForm | None,
    comment_form: CommentForm | None,
) -> dict[str, Any]:
    """The registration's files and thread as the partner's page shows them, with the forms
    to add to them (and who may delete which file)."""
    attachments = list(attachments_of(deal))
    can_attach = attachments_open(deal)
    for attachment in attachments:
        attachment.deal = deal  # fetched already: no query per file for its company
        attachment.deletable = can_attach and may_delete_attachment(membership, attachment)  # type: ignore[attr-defined]
    return {
        "attachments": attachments,
        "can_attach": can_attach,
        "attachment_form": attachment_form or AttachmentForm(),
        "comments": list(comments_of(deal)),
        "thread_open": thread_open(deal),
        "comment_form": comment_form or CommentForm(),
    }
