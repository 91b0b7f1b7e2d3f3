"""Events of the training app (emitted by `training.services`), and the data each carries.

`training.course.passed` may tick onboarding steps (offered in apps.py); certifications and
the "great job, start the next module" notifications will build on these.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from prm.notifications.categories import declare_category
from prm.notifications.events import declare

from .models import Enrolment, VersionModule

declare_category("training", _("Training"))

_COURSE = ("course", "learner", "partner")

COURSE_STARTED = declare(
    "training.course.started", "A partner's user started a course.", placeholders=_COURSE
)
MODULE_COMPLETED = declare(
    "training.module.completed",
    "A partner's user completed a module of a course.",
    placeholders=(*_COURSE, "module", "done", "total"),
)
#: every module done, every quiz among them passed: the course is passed
COURSE_PASSED = declare(
    "training.course.passed",
    "A partner's user passed a course (every module completed, every quiz passed).",
    placeholders=_COURSE,
)
COURSE_PUBLISHED = declare(
    "training.course.published",
    "Staff published a course (a new version partners start from now on).",
    placeholders=("course", "version"),
)


def event_data(
    enrolment: Enrolment, module: VersionModule | None = None, total: int = 0
) -> dict[str, Any]:
    """The placeholders every learner event offers (and the ids its recipients are found by)."""
    member = enrolment.membership
    data: dict[str, Any] = {
        "course": enrolment.version.title,
        "course_id": enrolment.course_id,
        "learner": str(member.user),
        "user_id": member.user_id,
        "partner": member.partner.name if member.partner else "",
        "partner_id": member.partner_id,
    }
    if module is not None:
        data |= {
            "module": module.title,
            "done": enrolment.completed_modules,
            "total": total,
        }
    return data
