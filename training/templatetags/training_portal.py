"""Template tags of the portal's learning pages."""

from dataclasses import dataclass
from typing import Any

from django import template

from ..selectors import (
    CourseRow,
    courses_for_learner,
    in_progress_enrolments,
    learner_counts,
    progress_rows,
)

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
    # Counted in SQL and only the shown courses read: a program may offer hundreds.
    offered = courses_for_learner(membership)
    counts = learner_counts(membership, offered)
    if not counts.offered:
        return None
    going = list(in_progress_enrolments(membership, offered)[:SHOWN])
    rows = progress_rows([e.course for e in going], {e.course_id: e for e in going})
    return LearningSummary(
        in_progress=rows,
        more=max(0, counts.in_progress - len(rows)),
        available=counts.not_started,
        completed=counts.completed,
    )
