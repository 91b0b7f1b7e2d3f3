"""The portal home's survey card reads the member's open surveys here (a home card provider
gets only the company)."""

from typing import Any

from django import template

from ..surveys.selectors import open_requests_for

register = template.Library()


@register.simple_tag
def open_surveys(membership: Any) -> list[Any]:
    """The member's open survey requests, newest first (none for vendor staff)."""
    if membership is None or not membership.is_partner_user:
        return []
    return list(open_requests_for(membership)[:2])


@register.simple_tag
def open_survey_count(membership: Any) -> int:
    if membership is None or not membership.is_partner_user:
        return 0
    return open_requests_for(membership).count()
