"""The partner's tier card on the portal home: tier, benefits, and the path to the next tier."""

from django.utils import timezone

from prm.portal.home import Card

from .agreements.selectors import current_for
from .models import Partner
from .selectors import partner_settings_for
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
