"""The portal's incentives page: the SPIF campaigns the company can earn now, its awards (a
rep: those of their own deals, when the tenant lets reps see earnings) and its rewards.

Another partner's awards are never read: a campaign's budget shows only as "limited" or "used
up", never as what others were awarded.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..incentives import spifs
from ..incentives.rewards import rewards_visible_to
from ..models import SpifCampaign
from ..setup import commission_settings

PAGE_SIZE = 25


@dataclass(frozen=True)
class OpenCampaign:
    """A campaign as the partner reads it."""

    campaign: SpifCampaign
    earned_by: str
    pays: str
    #: the next award would not fit what is left of the budget
    used_up: bool


def _open(campaign: SpifCampaign) -> OpenCampaign:
    smallest = campaign.amount if campaign.reward == SpifCampaign.Reward.FIXED else None
    used_up = campaign.remaining <= 0 or (smallest is not None and campaign.remaining < smallest)
    return OpenCampaign(campaign, spifs.rule_text(campaign), spifs.pays_text(campaign), used_up)


@requires("portal.earnings")
def incentives(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    today = timezone.localdate()
    company = membership.can("portal.earnings.company")
    # a rep sees the awards of their own deals only when the tenant shows reps their earnings
    sees_awards = company or commission_settings(request.tenant).reps_see_earnings
    campaigns = [_open(c) for c in spifs.campaigns_open_to(membership, today)]
    page = None
    if sees_awards:
        awards = (
            spifs.awards_visible_to(membership)
            .select_related("campaign", "deal", "line")
            .order_by("-created_at", "-id")
        )
        page = Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/incentives.html",
        {
            "running": [c for c in campaigns if c.campaign.starts_on <= today],
            "upcoming": [c for c in campaigns if c.campaign.starts_on > today],
            "page": page,
            "sees_awards": sees_awards,
            "company_view": company,
            "rewards": list(rewards_visible_to(membership).select_related("campaign")[:50]),
        },
    )
