"""Publishing, starting and completing courses: versions keep what learners finished."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import SMALL_PDF
from training.models import Course, Enrolment, Module, ModuleCompletion, ModuleKind
from training.selectors import version_modules
from training.services import course_publish, course_start, module_complete

pytestmark = pytest.mark.django_db


def draft(world, title="Objection handling", segments=()):
    course = Course.objects.create(tenant=world.tenant, title=title, estimated_minutes=20)
    course.segments.set(segments)
    Module.objects.create(
        tenant=world.tenant, course=course, position=1, title="Read", kind=ModuleKind.TEXT,
        body_html="<p>Listen first.</p>", minutes=10,
    )  # fmt: skip
    Module.objects.create(
        tenant=world.tenant, course=course, position=2, title="Watch", kind=ModuleKind.VIDEO,
        video_url="https://vimeo.com/76979871", minutes=10,
    )  # fmt: skip
    return course


def test_publishing_snapshots_the_modules_as_version_one(in_ours, ops):
    course = draft(in_ours)
    version = course_publish(actor=ops, course=course)
    course.refresh_from_db()
    assert version.number == 1
    assert course.status == Course.Status.PUBLISHED
    assert course.current_version == version
    assert [m.title for m in version_modules(version)] == ["Read", "Watch"]
    assert (version.module_count, version.module_minutes) == (2, 20)
    assert AuditEvent.objects.filter(action="training.course.published").exists()


def test_a_cam_may_not_publish(in_ours):
    with pytest.raises(PermissionDenied):
        course_publish(actor=in_ours.members[Role.CAM], course=draft(in_ours))


def test_a_course_without_modules_or_with_an_empty_module_is_not_published(in_ours, ops):
    empty = Course.objects.create(tenant=in_ours.tenant, title="Empty")
    with pytest.raises(ValidationError):
        course_publish(actor=ops, course=empty)
    course = draft(in_ours)
    Module.objects.create(
        tenant=in_ours.tenant, course=course, position=3, title="Slides", kind=ModuleKind.FILE
    )
    with pytest.raises(ValidationError, match="Slides"):
        course_publish(actor=ops, course=course)
    course.refresh_from_db()
    assert course.current_version is None


def test_completing_every_module_completes_the_course_once(in_ours, ops, rep):
    course = draft(in_ours)
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    enrolment = course_start(actor=rep, course=course)
    assert course_start(actor=rep, course=course) == enrolment  # starting again: the same
    first, second = version_modules(enrolment.version)
    enrolment = module_complete(actor=rep, enrolment=enrolment, module=first)
    assert (enrolment.completed_modules, enrolment.minutes_done) == (1, 10)
    assert enrolment.completed_at is None
    enrolment = module_complete(actor=rep, enrolment=enrolment, module=second)
    assert enrolment.completed_at is not None
    module_complete(actor=rep, enrolment=enrolment, module=second)  # twice: nothing new
    actions = list(
        AuditEvent.objects.filter(action__startswith="training.").values_list("action", flat=True)
    )
    assert actions.count("training.module.completed") == 2
    assert actions.count("training.course.passed") == 1


def test_another_member_may_not_complete_a_learners_module(in_ours, ops, rep):
    course = draft(in_ours)
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    enrolment = course_start(actor=rep, course=course)
    with pytest.raises(PermissionDenied):
        module_complete(
            actor=in_ours.members[Role.PARTNER_ADMIN],
            enrolment=enrolment,
            module=version_modules(enrolment.version)[0],
        )


def test_a_module_of_another_version_is_refused(in_ours, ops, rep):
    course = draft(in_ours)
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    enrolment = course_start(actor=rep, course=course)
    v2 = course_publish(actor=ops, course=course)
    with pytest.raises(ValidationError):
        module_complete(actor=rep, enrolment=enrolment, module=version_modules(v2)[0])


def test_publishing_version_two_keeps_what_learners_finished_on_version_one(in_ours, ops, rep):
    course = draft(in_ours)
    v1 = course_publish(actor=ops, course=course)
    course.refresh_from_db()
    enrolment = course_start(actor=rep, course=course)
    first = version_modules(v1)[0]
    module_complete(actor=rep, enrolment=enrolment, module=first)
    # The author rewrites the first module, drops the video and adds a file; publishes v2.
    Module.objects.filter(course=course, kind=ModuleKind.TEXT).update(body_html="<p>New</p>")
    Module.objects.filter(course=course, kind=ModuleKind.VIDEO).delete()
    pdf = Module(tenant=in_ours.tenant, course=course, position=3, title="Sheet", kind="file")
    pdf.file.save("sheet.pdf", ContentFile(SMALL_PDF), save=False)
    pdf.save()
    v2 = course_publish(actor=ops, course=course)
    course.refresh_from_db()
    assert v2.number == 2
    assert course.current_version == v2
    enrolment.refresh_from_db()
    # The learner stays on v1, with its completion and its old content.
    assert enrolment.version == v1
    assert ModuleCompletion.objects.filter(enrolment=enrolment, module=first).exists()
    assert [m.title for m in version_modules(v1)] == ["Read", "Watch"]
    assert version_modules(v1)[0].body_html == "<p>Listen first.</p>"
    # ... and finishes it as started.
    enrolment = module_complete(actor=rep, enrolment=enrolment, module=version_modules(v1)[1])
    assert enrolment.completed_at is not None
    # A learner who starts now gets v2.
    admin = in_ours.members[Role.PARTNER_ADMIN]
    assert course_start(actor=admin, course=course).version == v2


def test_staff_cannot_start_a_course(in_ours, ops):
    course = draft(in_ours)
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    with pytest.raises(PermissionDenied):
        course_start(actor=ops, course=course)
    assert not Enrolment.objects.filter(course=course).exists()


def test_starting_is_audited_as_the_learner_on_the_course(in_ours, ops, rep):
    course = draft(in_ours)
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    course_start(actor=rep, course=course)
    event = AuditEvent.objects.get(action="training.course.started")
    assert event.object_repr == course.title
    assert event.actor == rep.user
