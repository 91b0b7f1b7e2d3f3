"""A section of the partner's "My program" page, and the partners app's own: tier and path,
agreement, team. The page's order is `partners.program.SECTIONS`."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.accounts.selectors import invitations_of_partner, members_of_partner
from prm.metrics import registry
from prm.tenancy.models import Membership

from .agreements.selectors import acceptance_of, current_for
from .models import Partner
from .selectors import partner_settings_for
from .tiers.selectors import requirement_summary, standing_of


@dataclass(frozen=True)
class Section:
    """One section of the page: `template` renders it with `context`."""

    key: str
    title: str | Promise
    icon: str  # a Bootstrap Icons name
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    """One requirement of the next tier: where the partner is, as a share of the threshold."""

    label: str
    value: Decimal
    threshold: Decimal
    #: both as people read them (the metric's unit: a count, money, a percentage)
    value_text: str = ""
    threshold_text: str = ""

    @property
    def percent(self) -> int:
        if self.threshold <= 0:
            return 100
        return min(100, int(self.value * 100 / self.threshold))


def tier_section(partner: Partner, membership: Membership) -> Section | None:
    standing = standing_of(partner, timezone.localdate())
    if standing is None:
        return None
    upcoming = standing.upcoming
    currency = partner.tenant.default_currency
    progress = []
    for r in upcoming.requirements.all() if upcoming is not None else []:
        metric = registry.get(r.metric)
        value = standing.values.get(r.metric, Decimal(0))
        progress.append(
            Progress(
                label=str(metric.label),
                value=value,
                threshold=r.threshold,
                value_text=metric.format(value, currency=currency),
                threshold_text=metric.format(r.threshold, currency=currency),
            )
        )
    return Section(
        key="tier",
        title=_("Tier"),
        icon="award",
        template="partners/sections/tier.html",
        context={
            "tier": standing.current,
            "next_tier": upcoming,
            "path": standing.path,
            "progress": progress,
            "ladder": [(t, requirement_summary(t, currency=currency)) for t in standing.tiers],
        },
    )


def agreement_section(partner: Partner, membership: Membership) -> Section | None:
    current = current_for(partner)
    return Section(
        key="agreement",
        title=_("Partner agreement"),
        icon="file-earmark-check",
        template="partners/sections/agreement.html",
        context={
            "agreement": current,
            "acceptance": acceptance_of(partner, current)
            if current is not None and current.accepted  # type: ignore[attr-defined]
            else None,
            "required": partner_settings_for(partner.tenant).require_agreement,
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
