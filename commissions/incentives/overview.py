"""The partner page's rewards section (`prm.workspace.partner_page`): the partner's latest
recognition and event invitations, and the "Give a reward" link (1 query)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection

from ..models import Reward

SHOWN = 5


def rewards_section(partner: Partner, membership: Membership) -> PartnerSection:
    rewards = list(
        Reward.objects.filter(tenant_id=partner.tenant_id, partner=partner).order_by(
            "-given_on", "-id"
        )[:SHOWN]
    )
    give = f"{reverse('admin:commissions_reward_add')}?partner={partner.pk}"
    return PartnerSection(
        key="rewards",
        title=gettext_lazy("Recognition and invitations"),
        template="admin/commissions/reward/section.html",
        context={"rewards": rewards, "give_url": give},
        column="side",
        links=[(gettext_lazy("Give a reward"), give)],
    )


def rewards_of_partner(partner: Partner) -> QuerySet[Reward]:
    """The partner's rewards, whose audit events belong on its page."""
    return Reward.objects.filter(tenant_id=partner.tenant_id, partner=partner)
