"""Publishing courses and taking them.

- `course_publish`: staff with `training.manage` snapshot the draft into the next
  `CourseVersion`; partners start that version from now on, and nobody's progress moves.
- `course_start`: a partner user the course targets starts it on its current version (once:
  starting again returns the enrolment they have).
- `module_complete`: the learner marks a module of their version done; the last one completes
  the course.

Every fact is audited and emitted with `log_action` (events in `training.events`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from . import events
from .content import clean_html, video_embed
from .models import (
    Course,
    CourseVersion,
    Enrolment,
    Module,
    ModuleCompletion,
    ModuleKind,
    VersionModule,
)
from .paths.selectors import course_lock
from .quizzes.publishing import quiz_passed, quiz_problems, quizzes_copy
from .selectors import courses_for_learner

#: the fields a version copies from each draft module
_CONTENT_FIELDS = (
    "title",
    "kind",
    "body_html",
    "video_url",
    "file",
    "file_name",
    "content_type",
    "size",
    "minutes",
    "pass_mark",
    "attempts_limit",
    "wait_minutes",
    "shuffle_questions",
    "shuffle_choices",
    "draw_count",
)


def module_problem(module: Module) -> str:
    """Why a draft module cannot be published as it is ("" when it can)."""
    if module.kind == ModuleKind.TEXT and not clean_html(module.body_html):
        return _("“%(title)s” has no text.") % {"title": module.title}
    if module.kind == ModuleKind.VIDEO:
        try:
            video_embed(module.video_url)
        except ValidationError:
            return _("“%(title)s” needs a YouTube or Vimeo link.") % {"title": module.title}
    if module.kind == ModuleKind.FILE and not module.file:
        return _("“%(title)s” has no file.") % {"title": module.title}
    if module.kind == ModuleKind.QUIZ:
        return " ".join(quiz_problems(module))
    return ""


def course_publish(*, actor: Membership, course: Course) -> CourseVersion:
    """Publish the course's draft as its next version.

    Raises `PermissionDenied` without `training.manage` or for another tenant's course, and
    `ValidationError` for a course without modules or with a module missing its content.
    Learners who started an earlier version keep it (see `training.models`); new learners start
    this one. Audited and emitted as `training.course.published`.
    """
    if not actor.can("training.manage") or course.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("You may not publish courses."))
    with transaction.atomic():
        course = lock_row(course)
        modules = list(Module.objects.filter(tenant_id=course.tenant_id, course=course))
        if not modules:
            raise ValidationError(_("Add at least one module before publishing the course."))
        problems = [p for p in map(module_problem, modules) if p]
        if problems:
            raise ValidationError(problems)
        last = CourseVersion.objects.filter(tenant_id=course.tenant_id, course=course).aggregate(
            n=Max("number")
        )["n"]
        version = CourseVersion.objects.create(
            tenant=course.tenant,
            course=course,
            number=(last or 0) + 1,
            title=course.title,
            summary=course.summary,
            estimated_minutes=course.estimated_minutes,
            module_count=len(modules),
            module_minutes=sum(m.minutes for m in modules),
            published_at=timezone.now(),
            published_by=actor,
        )
        published = VersionModule.objects.bulk_create(
            VersionModule(
                tenant=course.tenant,
                version=version,
                position=index,
                source=module,
                **{name: getattr(module, name) for name in _CONTENT_FIELDS},
            )
            for index, module in enumerate(modules, start=1)
        )
        quizzes_copy(list(zip(modules, published, strict=True)))
        course.current_version = version
        course.status = Course.Status.PUBLISHED
        course.has_changes = False
        course.save(update_fields=["current_version", "status", "has_changes", "updated_at"])
        log_action(
            event=events.COURSE_PUBLISHED,
            tenant=course.tenant,
            actor=actor.user,
            obj=course,
            data={"course": course.title, "course_id": course.pk, "version": version.number},
            after={"version": version.number},
        )
    return version


def course_start(*, actor: Membership, course: Course) -> Enrolment:
    """Start `course` on its current version, or return the member's enrolment if they
    already started it (on whichever version they started).

    Raises `PermissionDenied` for anyone the course does not target (staff, another partner's
    segment, an unpublished course), and `ValidationError` for a course a learning path keeps
    locked until its prerequisite is passed (`training.paths.selectors.course_lock`). Audited
    and emitted as `training.course.started`.
    """
    if not courses_for_learner(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(_("This course is not offered to you."))
    mine = Enrolment.objects.filter(tenant_id=actor.tenant_id, course=course, membership=actor)
    existing = mine.first()
    if existing is not None:
        return existing
    unlocked_by = course_lock(actor, course)
    if unlocked_by is not None:
        raise ValidationError(
            _("This course unlocks when you pass %(course)s.") % {"course": unlocked_by.title}
        )
    assert course.current_version is not None  # courses_for_learner: published only
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                tenant=course.tenant,
                course=course,
                version=course.current_version,
                membership=actor,
                started_at=timezone.now(),
            )
            log_action(
                event=events.COURSE_STARTED,
                tenant=course.tenant,
                actor=actor.user,
                obj=course,
                subject=enrolment,
                data=events.event_data(enrolment),
                after={"version": enrolment.version.number},
            )
    except IntegrityError:
        # "Start" pressed twice at once (a double click, a second tab): the other request
        # started the course, and that enrolment is this one's answer too.
        existing = mine.first()
        if existing is None:
            raise
        return existing
    return enrolment


def module_complete(*, actor: Membership, enrolment: Enrolment, module: VersionModule) -> Enrolment:
    """Mark `module` of the learner's version done; completing the last one completes the
    course. Completing a module twice changes nothing (and says nothing twice).

    Raises `PermissionDenied` for anyone but the enrolment's member, and `ValidationError` for
    a module of another version. Audited and emitted as `training.module.completed`, and
    `training.course.passed` with the last module.
    """
    if enrolment.membership_id != actor.pk or enrolment.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("This is not your course."))
    if module.version_id != enrolment.version_id:
        raise ValidationError(_("This module is not part of the course you take."))
    with transaction.atomic():
        enrolment = lock_row(enrolment)
        if module.kind == ModuleKind.QUIZ and not quiz_passed(enrolment, module):
            # a quiz is completed by passing it (`training.quizzes.services.attempt_submit`)
            raise ValidationError(_("Pass the quiz to complete this module."))
        done = ModuleCompletion.objects.filter(tenant_id=enrolment.tenant_id, enrolment=enrolment)
        if done.filter(module=module).exists():
            return enrolment
        now = timezone.now()
        ModuleCompletion.objects.create(
            tenant=enrolment.tenant, enrolment=enrolment, module=module, completed_at=now
        )
        total = enrolment.version.module_count
        enrolment.completed_modules = done.count()
        enrolment.minutes_done = done.aggregate(minutes=Sum("module__minutes"))["minutes"] or 0
        enrolment.last_module = module
        finished = enrolment.completed_modules >= total and enrolment.completed_at is None
        if finished:
            enrolment.completed_at = now
        enrolment.save()
        course = enrolment.course
        log_action(
            event=events.MODULE_COMPLETED,
            tenant=enrolment.tenant,
            actor=actor.user,
            obj=course,
            subject=enrolment,
            data=events.event_data(enrolment, module, total),
            after={"module": module.title},
        )
        if finished:
            log_action(
                event=events.COURSE_PASSED,
                tenant=enrolment.tenant,
                actor=actor.user,
                obj=course,
                subject=enrolment,
                data=events.event_data(enrolment),
            )
    return enrolment


def module_save(*, actor: Membership, module: Module) -> Module:
    """Save a draft module from the course builder: its text cleaned, the course marked as
    changed since its last publication. Raises `PermissionDenied` without `training.manage`."""
    if not actor.can("training.manage") or module.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("You may not change courses."))
    module.body_html = clean_html(module.body_html) if module.kind == ModuleKind.TEXT else ""
    if module.kind != ModuleKind.VIDEO:
        module.video_url = ""
    module.save()
    Course.objects.filter(pk=module.course_id, tenant_id=module.tenant_id).update(has_changes=True)
    return module
