"""Template tags of learning paths and certifications in the portal."""

from typing import Any

from django import template

from ..paths.selectors import HeldCertification, expiring_awards

register = template.Library()


@register.filter
def lock_of(locks: dict[int, Any] | None, course_pk: int) -> Any:
    """The course that unlocks `course_pk` for the learner (None when it is open)."""
    return (locks or {}).get(course_pk)


@register.simple_tag
def certifications_expiring(membership: Any) -> list[HeldCertification]:
    """The member's valid certifications expiring within 30 days (the home card)."""
    if membership is None or membership.partner_id is None:
        return []
    if not membership.can("portal.training"):
        return []
    return expiring_awards(membership)
