"""Events of learning paths and certifications (emitted by `training.paths.services` and the
expiry reminder), and the data each carries."""

from typing import Any

from prm.dates import format_day
from prm.notifications.events import declare

from ..models import CertificationAward, LearningPath

_AWARD = ("certification", "learner", "partner", "expires")

PATH_PUBLISHED = declare(
    "training.path.published",
    "Staff published a learning path (partners of its segments see it).",
    placeholders=("path",),
)
#: told to the path's learners who have not passed the course yet
PATH_COURSE_REQUIRED = declare(
    "training.path.course_required",
    "A published learning path requires a course its learners have not passed.",
    placeholders=("path", "course"),
)
CERTIFICATION_EARNED = declare(
    "training.certification.earned",
    "A partner's user earned a certification (passed its path or course).",
    placeholders=_AWARD,
)
CERTIFICATION_EXPIRING = declare(
    "training.certification.expiring",
    "A partner user's certification expires soon (30 and 7 days before).",
    placeholders=(*_AWARD, "days"),
)
CERTIFICATION_REVOKED = declare(
    "training.certification.revoked",
    "Staff revoked a certification a partner's user held.",
    placeholders=(*_AWARD, "reason"),
)


def award_data(award: CertificationAward) -> dict[str, Any]:
    """The placeholders of an award's events, and the ids its recipients are found by."""
    member = award.membership
    return {
        "certification": award.certification.name,
        "certification_id": award.certification_id,
        "learner": str(member.user),
        "user_id": member.user_id,
        "membership_id": member.pk,
        "partner": award.partner.name,
        "partner_id": award.partner_id,
        "expires": format_day(award.expires_at) if award.expires_at else "",
    }


def path_data(
    path: LearningPath, course_title: str = "", course_id: int | None = None
) -> dict[str, Any]:
    return {"path": path.title, "path_id": path.pk, "course": course_title, "course_id": course_id}
