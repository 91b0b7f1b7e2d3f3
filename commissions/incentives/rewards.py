"""Rewards that are not money: recognition and event invitations, given by partner operations
and shown to the partner (every user of the company sees the company's rewards)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.notifications.log import log_action
from prm.tenancy.models import Membership

from .. import events
from ..models import Reward, SpifCampaign


def rewards_visible_to(membership: Membership) -> QuerySet[Reward]:
    """The rewards a member sees: a partner user, the company's; staff, every partner they see."""
    rewards = Reward.objects.filter(tenant_id=membership.tenant_id)
    if membership.partner_id is not None:
        return rewards.filter(partner_id=membership.partner_id)
    if membership.can("partners.view_all"):
        return rewards
    from prm.tenancy.partner_access import visible_partners

    return rewards.filter(partner__in=visible_partners(membership))


def reward_give(
    *,
    actor: Membership,
    partner: Partner,
    kind: str,
    title: str,
    note: str,
    given_on: date,
    campaign: SpifCampaign | None = None,
    reward: Reward | None = None,
) -> Reward:
    """Give the partner a recognition or an event invitation: recorded, audited, and the
    partner's admins are told (REWARD_GIVEN). `reward` is an unsaved row to fill (the admin's)."""
    if not actor.can("commissions.manage") or actor.tenant_id != partner.tenant_id:
        raise PermissionDenied(_("Only partner operations give rewards."))
    if campaign is not None and campaign.tenant_id != partner.tenant_id:
        raise PermissionDenied(_("That campaign is not this program's."))
    row = reward or Reward()
    row.tenant_id = partner.tenant_id
    row.partner = partner
    row.kind = kind
    row.title = title
    row.note = note
    row.given_on = given_on
    row.campaign = campaign
    row.given_by = actor.user
    with transaction.atomic():
        row.save()
        log_action(
            event=events.REWARD_GIVEN,
            tenant=partner.tenant,
            actor=actor.user,
            obj=row,
            after={"partner": partner.name, "kind": kind, "title": title},
            data={
                "partner": partner.name,
                "partner_id": partner.pk,
                "title": title,
                "kind": str(Reward.Kind(kind).label),
            },
        )
    return row
