"""Template helpers of the portal's money pages and the home card."""

from typing import Any

from django import template

from ..portal import Money, money_of, sees_earnings

register = template.Library()


@register.simple_tag
def money_summary(membership: Any) -> Money | None:
    """The Earnings card's figures for the member viewing the page (a rep: their own deals';
    a partner admin: the company's); None for a member the tenant does not show earnings to.
    The card provider only gets the company, so the member's view is read here."""
    if not sees_earnings(membership):
        return None
    return money_of(membership, latest=0)
