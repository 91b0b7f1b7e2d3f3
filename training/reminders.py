"""The untouched-course reminder: a learner started a course and left it.

"Touched" is the enrolment's last change (`Enrolment.updated_at`): starting the course, and
every module completed (a quiz attempt that saves the enrolment counts too). Opening a module
is a read and writes nothing, so it does not count: a learner who only looks is reminded.

A started, not passed enrolment untouched for the tenant's `TrainingSettings.untouched_days`
emits `training.course.untouched`, whose rule (`training.notifications`) tells the learner
"You are 1 of 3 modules into <course> — resume", linking to the course's Resume. Each step
fires once: the log remembers the enrolment with its number of completed modules, so the
next sweep says nothing, and only progress followed by another idle period reminds again.
Learners who are no longer active, or whose course is no longer published or no longer for
their company, are not reminded.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import ngettext

from prm.notifications.events import declare, emit
from prm.notifications.reminders import Reminder, register_reminder
from prm.tenancy.capabilities import role_has
from prm.tenancy.models import Tenant
from prm.tenancy.roles import PARTNER_ROLES

from .events import event_data
from .models import Course, Enrolment
from .setup import training_settings

COURSE_UNTOUCHED = declare(
    "training.course.untouched",
    "A learner's started course has not moved for the tenant's number of days.",
    placeholders=("course", "learner", "partner", "done", "total", "days"),
)


def untouched_enrolments(tenant: Tenant, cutoff: datetime) -> QuerySet[Enrolment]:
    """Started, not passed, untouched since `cutoff`, by an active learner, of a course that is
    published."""
    learner_roles = [r for r in PARTNER_ROLES if role_has(r, "portal.training")]
    return Enrolment.objects.filter(
        tenant=tenant,
        completed_at__isnull=True,
        updated_at__lt=cutoff,
        membership__is_active=True,
        membership__partner__isnull=False,
        membership__role__in=learner_roles,
        course__status=Course.Status.PUBLISHED,
        course__current_version__isnull=False,
    ).select_related("tenant", "course", "version", "membership__user", "membership__partner")


def _remind(enrolment: Enrolment, step: int) -> None:
    # A course retargeted away from the learner's company stays theirs to finish
    # (`courses_for_learner`), so it is reminded like any other.
    with translation.override(enrolment.tenant.language):
        idle = (timezone.now() - enrolment.updated_at).days
        days = ngettext("%(n)d day", "%(n)d days", idle) % {"n": idle}
    emit(
        COURSE_UNTOUCHED.name,
        tenant=enrolment.tenant,
        subject=enrolment,
        data=event_data(enrolment)
        | {
            "done": enrolment.completed_modules,
            "total": enrolment.version.module_count,
            "days": days,
        },
    )


register_reminder(
    Reminder(
        key="training.course.untouched",
        description="A started course untouched for the tenant's number of days.",
        after_days=lambda tenant: [training_settings(tenant).untouched_days],
        due=untouched_enrolments,
        fire=_remind,
        # Once per step: the same enrolment is reminded again only after more progress.
        subject_key=lambda enrolment: f"{enrolment.pk}:{enrolment.completed_modules}",
    )
)
