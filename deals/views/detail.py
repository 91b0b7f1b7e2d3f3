"""One registration: everything typed, where it stands, its history and what can be done next."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from .. import workflow
from ..conflicts import precheck
from ..forms import WithdrawForm
from ..models import CLAIM_STATUSES, Deal, DealExtension, DealSettings
from ..selectors import competing_with, deal_settings_for, timeline
from .common import deal_of
from .registration import verdict_context

#: the buttons of the detail page, by workflow action
ACTIONS = ("edit", "submit", "withdraw", "win", "lose", "request_extension")


@requires("portal.deals")
def detail(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
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
        "can": {action: workflow.allowed(deal, action) for action in ACTIONS},
        "withdraw_form": WithdrawForm(),
        "now": now,
        "overdue": deal.status == Deal.Status.SUBMITTED
        and deal.sla_due_at is not None
        and deal.sla_due_at <= now,
        "contested": contested,
        "first_wins": contested
        and deal_settings_for(request.tenant).engagement_rule == DealSettings.Engagement.FIRST_WINS,
        "company_view": request.membership.can("portal.deals.company"),
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
