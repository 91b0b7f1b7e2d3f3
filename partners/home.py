"""The partner's tier card on the portal home: tier, benefits, and the path to the next tier."""

from django.utils import timezone

from prm.portal.home import Card

from . import agreements
from . import tiers as tiers_mod
from .models import Partner


def tier_card(partner: Partner) -> Card | None:
    tiers = tiers_mod.tiers_of(partner.tenant)
    if not tiers:
        return None
    current = next((t for t in tiers if t.pk == partner.tier_id), None)
    upcoming = next((t for t in tiers if t.rank > (current.rank if current else 0)), None)
    path = ""
    if upcoming is not None:
        values = tiers_mod.metric_values(partner.tenant, [partner.pk], tiers, timezone.localdate())[
            partner.pk
        ]
        path = tiers_mod.path_text(tiers_mod.gaps_to(upcoming, values), upcoming)
    return Card(
        template="partners/tier_card.html",
        context={"tier": current, "next_tier": upcoming, "path": path},
    )


def agreement_card(partner: Partner) -> Card | None:
    """Shown until the partner accepts the current agreement."""
    current = agreements.current_for(partner)
    if current is None or current.accepted:  # type: ignore[attr-defined]
        return None
    return Card(
        template="partners/agreement_card.html",
        context={"agreement": current, "required": partner.tenant.require_agreement},
    )
