"""Template tags of the portal's learning pages."""

from dataclasses import dataclass
from typing import Any

from django import template

from ..selectors import CourseRow, learning_rows

register = template.Library()

#: courses in progress the home card lists by name
SHOWN = 3


@dataclass(frozen=True)
class LearningSummary:
    in_progress: list[CourseRow]
    more: int
    available: int
    completed: int


@register.simple_tag
def learning_summary(membership: Any) -> LearningSummary | None:
    """The home card's courses for the member viewing the page; None when no course is
    offered to them (the card is then left out)."""
    if membership is None or not membership.can("portal.training"):
        return None
    rows = learning_rows(membership)
    if not rows:
        return None
    going = [r for r in rows if r.in_progress]
    return LearningSummary(
        in_progress=going[:SHOWN],
        more=max(0, len(going) - SHOWN),
        available=sum(1 for r in rows if r.enrolment is None),
        completed=sum(1 for r in rows if r.completed),
    )
