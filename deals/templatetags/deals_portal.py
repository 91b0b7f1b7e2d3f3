"""Template helpers of the portal's deal pages."""

from typing import Any

from django import template

from ..selectors import HomeSummary, home_summary

register = template.Library()


@register.simple_tag
def deals_home_summary(membership: Any) -> HomeSummary | None:
    """The home card's figures for the member viewing the page (a rep: their own deals; a
    partner admin: the company's). The card provider only gets the company, so the member's
    view is read here."""
    if membership is None or not membership.can("portal.deals"):
        return None
    return home_summary(membership)
