"""Rows for the alert tests: a watched partner in a tier of its own (so the world's partners
stay out of the rule's scope), rules on it, and sign-ins that make it active."""

from datetime import date
from decimal import Decimal
from typing import Any

from guardian.shortcuts import assign_perm

from partners.models import Partner, Tier
from partners.tests.factories import PartnerFactory
from prm.accounts.models import SignInDay
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from reporting.models import AlertRule

R = AlertRule


def watched_partner(world: Any, name: str = "Watched partner", *, cam: bool = True) -> Partner:
    """A partner alone in its tier, assigned to the world's CAM (unless `cam` is False). The
    world's own alert rule (it watches every partner) is paused, so only the test's rules fire."""
    if world.alert_rule is not None:
        AlertRule.objects.filter(pk=world.alert_rule.pk).update(is_active=False)
    rank = 50 + Tier.objects.filter(tenant=world.tenant).count()
    tier = Tier.objects.create(tenant=world.tenant, name=f"Tier of {name}", rank=rank)
    partner = PartnerFactory(tenant=world.tenant, name=name, tier=tier)
    if cam:
        assign_perm(MANAGE_PARTNER, world.members[Role.CAM].user, partner)
    return partner


def inactive_rule(partner: Partner, **changes: Any) -> AlertRule:
    """ "No deal or login for 60 days" on the partner's tier, told to its CAMs."""
    values: dict[str, Any] = {
        "name": "No deal or login for 60 days",
        "metric": "deals.active_partners",
        "scope": R.Scope.TIER,
        "tier_id": partner.tier_id,
        "comparison": R.Comparison.BELOW,
        "threshold": Decimal(1),
        "window": R.Window.TRAILING,
        "trailing_days": 60,
        "owner": R.Owner.CAMS,
        "channel": R.Channel.EMAIL,
        **changes,
    }
    return AlertRule.objects.create(tenant=partner.tenant, **values)


def sign_in(partner: Partner, day: date) -> None:
    member = partner_membership(partner, Role.PARTNER_REP)
    SignInDay.objects.create(tenant=partner.tenant, membership=member, day=day)
