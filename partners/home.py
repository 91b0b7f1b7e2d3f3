"""The partner's tier card on the portal home: tier, benefits, and the path to the next tier."""

from django.utils import timezone

from prm.portal.home import Card

from .agreements.selectors import current_for
from .models import Partner
from .selectors import assigned_cams, partner_settings_for
from .tiers.selectors import standing_of


def tier_card(partner: Partner) -> Card | None:
    standing = standing_of(partner, timezone.localdate())
    if standing is None:
        return None
    return Card(
        template="partners/tier_card.html",
        context={
            "tier": standing.current,
            "next_tier": standing.upcoming,
            "path": standing.path,
        },
    )


def agreement_card(partner: Partner) -> Card | None:
    """Shown until the partner accepts the current agreement."""
    current = current_for(partner)
    if current is None or current.accepted:  # type: ignore[attr-defined]
        return None
    return Card(
        template="partners/agreement_card.html",
        context={
            "agreement": current,
            "required": partner_settings_for(partner.tenant).require_agreement,
        },
    )


def cam_card(partner: Partner) -> Card:
    """Who the company's channel account managers are, or who to ask until one is assigned."""
    cams = assigned_cams(partner=partner).order_by("user__full_name", "user__email")
    return Card(template="partners/cam_card.html", context={"cams": list(cams)})
