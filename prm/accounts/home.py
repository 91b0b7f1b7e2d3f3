"""The team card on a partner admin's home page."""

from typing import Any

from prm.portal.home import Card

from .selectors import invitations_of_partner, members_of_partner


def team_card(partner: Any) -> Card:
    """Active users and pending invitations of the partner company, with a link to the team."""
    members = members_of_partner(tenant=partner.tenant, partner=partner)
    return Card(
        template="accounts/team_card.html",
        context={
            "active": members.filter(is_active=True).count(),
            "pending": invitations_of_partner(tenant=partner.tenant, partner=partner).count(),
        },
    )
