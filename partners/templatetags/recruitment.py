"""Template helpers for pages outside the partners app (the sign-in page links to applying)."""

from typing import Any

from django import template

from ..recruitment.selectors import recruitment_settings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def applications_open(context: dict[str, Any]) -> bool:
    """Whether the page's tenant takes partner applications (False off tenant hosts)."""
    tenant = context.get("tenant")
    return tenant is not None and recruitment_settings_for(tenant).is_open
