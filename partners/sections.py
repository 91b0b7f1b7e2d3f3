"""The "My program" sections of the partners app itself: tier and path, agreement, team."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.selectors import invitations_of_partner, members_of_partner
from prm.metrics import registry
from prm.tenancy.models import Membership

from . import agreements
from . import tiers as tiers_mod
from .models import Partner
from .program import Section


@dataclass(frozen=True)
class Progress:
    """One requirement of the next tier: where the partner is, as a share of the threshold."""

    label: str
    value: Decimal
    threshold: Decimal

    @property
    def percent(self) -> int:
        if self.threshold <= 0:
            return 100
        return min(100, int(self.value * 100 / self.threshold))


def tier_section(partner: Partner, membership: Membership) -> Section | None:
    tiers = tiers_mod.tiers_of(partner.tenant)
    if not tiers:
        return None
    current = next((t for t in tiers if t.pk == partner.tier_id), None)
    upcoming = tiers_mod.next_tier(partner, tiers)
    values = tiers_mod.metric_values(partner.tenant, [partner.pk], tiers, timezone.localdate())[
        partner.pk
    ]
    progress, path = [], ""
    if upcoming is not None:
        path = tiers_mod.path_text(tiers_mod.gaps_to(upcoming, values), upcoming)
        progress = [
            Progress(
                label=str(registry.get(r.metric).label),
                value=values.get(r.metric, Decimal(0)),
                threshold=r.threshold,
            )
            for r in upcoming.requirements.all()
        ]
    ladder = [(t, tiers_mod.requirement_summary(t)) for t in tiers]
    return Section(
        key="tier",
        title=_("Tier"),
        icon="award",
        template="partners/sections/tier.html",
        context={
            "tier": current,
            "next_tier": upcoming,
            "path": path,
            "progress": progress,
            "ladder": ladder,
        },
    )


def agreement_section(partner: Partner, membership: Membership) -> Section | None:
    current = agreements.current_for(partner)
    return Section(
        key="agreement",
        title=_("Partner agreement"),
        icon="file-earmark-check",
        template="partners/sections/agreement.html",
        context={
            "agreement": current,
            "acceptance": agreements.acceptance_of(partner, current)
            if current is not None and current.accepted  # type: ignore[attr-defined]
            else None,
            "required": partner.tenant.require_agreement,
            "may_accept": membership.can("portal.agreement.accept"),
        },
    )


def team_section(partner: Partner, membership: Membership) -> Section | None:
    if not membership.can("portal.team.manage"):
        return None
    members = members_of_partner(tenant=partner.tenant, partner=partner)
    return Section(
        key="team",
        title=_("Your company's users"),
        icon="people",
        template="partners/sections/team.html",
        context={
            "members": list(members.filter(is_active=True).select_related("user")[:10]),
            "active": members.filter(is_active=True).count(),
            "pending": invitations_of_partner(tenant=partner.tenant, partner=partner).count(),
        },
    )
