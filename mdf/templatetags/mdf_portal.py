"""Template helpers of the portal's MDF pages."""

from typing import Any

from django import template

from ..portal import HomeSummary, home_summary

register = template.Library()


@register.simple_tag
def mdf_home_summary(membership: Any) -> HomeSummary | None:
    """The Funds card's figures for the member viewing the page (a rep: their own requests; a
    partner admin: the company's). The card provider only gets the company, so the member's
    view is read here."""
    if membership is None or not membership.can("portal.mdf"):
        return None
    return home_summary(membership)
