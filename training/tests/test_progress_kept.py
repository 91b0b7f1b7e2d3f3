"""Progress is never taken away: a double "Start" makes one enrolment, on real concurrent
connections, and a course retargeted away from a learner's company stays theirs to finish."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from partners.models import Segment
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from training.models import Course, Enrolment
from training.selectors import courses_for_learner, learning_rows, version_modules
from training.services import course_publish, course_start, module_complete
from training.tests.test_services import draft

ROUNDS = 6


@pytest.mark.django_db(transaction=True)
def test_start_pressed_twice_at_once_makes_one_enrolment_and_one_audit(ours):
    rep = ours.members[Role.PARTNER_REP]
    ops = ours.members[Role.PARTNER_OPS]
    for round_ in range(ROUNDS):
        with scope(tenant=ours.tenant):
            course = draft(ours, title=f"Race course {round_}")
            course_publish(actor=ops, course=course)
        barrier = threading.Barrier(2)
        got: list[object] = []

        def start(
            course_pk: int = course.pk,
            barrier: threading.Barrier = barrier,
            got: list[object] = got,
        ) -> None:
            try:
                with scope(tenant=ours.tenant):
                    barrier.wait(timeout=10)
                    fresh = Course.objects.select_related("current_version", "tenant").get(
                        pk=course_pk
                    )
                    got.append(course_start(actor=rep, course=fresh).pk)
            except Exception as exc:  # the assertion below shows what went wrong
                got.append(f"{type(exc).__name__}: {exc}")
            finally:
                connection.close()  # each thread opened its own connection

        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with scope(tenant=ours.tenant):
            enrolments = list(Enrolment.objects.filter(course=course, membership=rep))
            assert len(enrolments) == 1, f"round {round_}"
            assert got == [enrolments[0].pk, enrolments[0].pk], f"round {round_}: {got}"
            started = AuditEvent.objects.filter(
                tenant=ours.tenant, action="training.course.started", object_id=str(course.pk)
            )
            assert started.count() == 1


@pytest.mark.django_db
def test_a_course_retargeted_away_stays_with_the_learner_who_started_it(ours):
    rep = ours.members[Role.PARTNER_REP]
    ops = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant):
        course = draft(ours, title="Retargeted later")
        course_publish(actor=ops, course=course)
        course.refresh_from_db()
        enrolment = course_start(actor=rep, course=course)
        first = version_modules(enrolment.version)[0]
        module_complete(actor=rep, enrolment=enrolment, module=first)
        colleague = ours.members[Role.PARTNER_ADMIN]
        assert colleague.partner_id == rep.partner_id
        assert courses_for_learner(colleague).filter(pk=course.pk).exists()
        # Now meant for a segment the rep's company is not in.
        elsewhere = Segment.objects.create(tenant=ours.tenant, name="Nowhere", regions=["latam"])
        assert rep.partner.region != "latam"
        course.segments.set([elsewhere])

        rows = {r.course.pk: r for r in learning_rows(rep)}
        assert rows[course.pk].in_progress
        assert rows[course.pk].done == 1
        assert courses_for_learner(rep).filter(pk=course.pk).exists()
        # A colleague who never started it no longer sees it.
        assert not courses_for_learner(colleague).filter(pk=course.pk).exists()
        # And the rep can finish it.
        for module in version_modules(enrolment.version)[1:]:
            enrolment = module_complete(actor=rep, enrolment=enrolment, module=module)
        assert enrolment.completed_at is not None
