"""Writes of learning paths and certifications.

- `path_publish`: staff with `training.manage` publish a path; its learners are told of the
  required courses they have not passed (`training.path.course_required`).
- `path_required_added`: a published path gained required courses (the admin's save calls it);
  its learners are told the same way.
- `certifications_on_course_passed`: subscribed to `training.course.passed`, in the emitting
  transaction, awards every certification the passed course completes (a named course, or the
  last required course of a path).
- `award_revoke`: staff withdraw an award, with a reason.

Every fact is audited and emitted with `log_action` (events in `training.paths.events`).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.notifications.events import Event
from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from ..models import (
    Certification,
    CertificationAward,
    Course,
    Enrolment,
    LearningPath,
    PathCourse,
)
from . import events
from .selectors import add_months, path_rows


def _may_manage(actor: Membership, tenant_id: int) -> None:
    if not actor.can("training.manage") or actor.tenant_id != tenant_id:
        raise PermissionDenied(_("You may not change learning paths or certifications."))


def path_problems(path: LearningPath) -> list[str]:
    """Why a path cannot be published as it is (empty when it can)."""
    steps = list(
        PathCourse.objects.filter(tenant_id=path.tenant_id, path=path).select_related("course")
    )
    if not steps:
        return [_("Add at least one course before publishing the path.")]
    problems = []
    if not any(s.required for s in steps):
        problems.append(_("Mark at least one course as required: passing them completes it."))
    for step in steps:
        if step.course.status != Course.Status.PUBLISHED:
            problems.append(
                _("“%(course)s” is not published yet: publish it first.")
                % {"course": step.course.title}
            )
    return problems


def path_publish(*, actor: Membership, path: LearningPath) -> LearningPath:
    """Publish `path`: partners of its segments see it from now on.

    Raises `PermissionDenied` without `training.manage`, `ValidationError` with the reasons
    of `path_problems`. Audited and emitted as `training.path.published`; then each required
    course is announced to the learners who have not passed it.
    """
    _may_manage(actor, path.tenant_id)
    with transaction.atomic():
        path = lock_row(path)
        problems = path_problems(path)
        if problems:
            raise ValidationError(problems)
        was = path.status
        path.status = LearningPath.Status.PUBLISHED
        path.published_at = path.published_at or timezone.now()
        path.save(update_fields=["status", "published_at", "updated_at"])
        log_action(
            event=events.PATH_PUBLISHED,
            tenant=path.tenant,
            actor=actor.user,
            obj=path,
            data=events.path_data(path),
            before={"status": was},
            after={"status": path.status},
        )
        if was != LearningPath.Status.PUBLISHED:
            required = PathCourse.objects.filter(
                tenant_id=path.tenant_id, path=path, required=True
            ).values_list("course_id", flat=True)
            _announce_required(actor, path, list(required))
    return path


def path_unpublish(*, actor: Membership, path: LearningPath) -> LearningPath:
    """Take `path` back to draft: partners no longer see it (their course progress stays)."""
    _may_manage(actor, path.tenant_id)
    with transaction.atomic():
        path = lock_row(path)
        if path.status == LearningPath.Status.DRAFT:
            return path
        path.status = LearningPath.Status.DRAFT
        path.save(update_fields=["status", "updated_at"])
        audit_record(
            tenant=path.tenant,
            actor=actor.user,
            action="training.path.unpublished",
            obj=path,
            before={"status": LearningPath.Status.PUBLISHED},
            after={"status": path.status},
        )
    return path


def path_required_added(*, actor: Membership, path: LearningPath, course_ids: list[int]) -> None:
    """A published path now requires `course_ids` (added, or made required): tell its
    learners who have not passed them. Nothing for a draft path (publishing tells them)."""
    _may_manage(actor, path.tenant_id)
    if path.status != LearningPath.Status.PUBLISHED or not course_ids:
        return
    with transaction.atomic():
        _announce_required(actor, path, course_ids)


def _announce_required(actor: Membership, path: LearningPath, course_ids: list[int]) -> None:
    for course in Course.objects.filter(tenant_id=path.tenant_id, pk__in=course_ids).order_by(
        "title"
    ):
        log_action(
            event=events.PATH_COURSE_REQUIRED,
            tenant=path.tenant,
            actor=actor.user,
            obj=path,
            data=events.path_data(path, course.title, course.pk),
            after={"course": course.title},
        )


# Certifications ---------------------------------------------------------------------------


def certifications_on_course_passed(event: Event) -> None:
    """Subscribed to `training.course.passed`: award what the passed course completes, in the
    emitting transaction (so a course passed and its certificate are one fact)."""
    enrolment = event.subject
    if not isinstance(enrolment, Enrolment):
        course_id, user_id = event.data.get("course_id"), event.data.get("user_id")
        if not course_id or not user_id:
            return
        enrolment = (
            Enrolment.objects.filter(
                tenant=event.tenant,
                course_id=course_id,
                membership__user_id=user_id,
            )
            .select_related("membership")
            .first()
        )
        if enrolment is None:
            return
    certifications_earn(
        membership=enrolment.membership, course_id=enrolment.course_id, at=enrolment.completed_at
    )


def certifications_earn(
    *, membership: Membership, course_id: int, at: datetime | None = None
) -> list[CertificationAward]:
    """Award `membership` every active certification that passing `course_id` completes and
    that they do not hold validly already; returns the new awards.

    A course certification needs that course passed; a path certification every required
    course of the path (as the learner is offered them) passed, the path targeting them.
    `at` is when it was earned (the course's completion; now by default).
    """
    if membership.partner_id is None:
        return []
    certs = list(
        Certification.objects.filter(
            tenant_id=membership.tenant_id, status=Certification.Status.ACTIVE
        ).filter(course_id=course_id)
    )
    path_ids = set(
        PathCourse.objects.filter(tenant_id=membership.tenant_id, course_id=course_id).values_list(
            "path_id", flat=True
        )
    )
    if path_ids:
        completed = {
            row.path.pk
            for row in path_rows(membership)
            if row.path.pk in path_ids and row.completed
        }
        if completed:
            certs += list(
                Certification.objects.filter(
                    tenant_id=membership.tenant_id,
                    status=Certification.Status.ACTIVE,
                    path_id__in=completed,
                )
            )
    at = at or timezone.now()
    return [a for cert in certs if (a := _award(membership, cert, at)) is not None]


def _award(
    membership: Membership, certification: Certification, now: datetime
) -> CertificationAward | None:
    with transaction.atomic():
        # One valid award per member and certification: the member's row serialises awards.
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        held = CertificationAward.objects.filter(
            tenant_id=membership.tenant_id, membership=membership, certification=certification
        ).filter(CertificationAward.valid_q(now))
        if held.exists():
            return None
        assert membership.partner is not None
        award = CertificationAward.objects.create(
            tenant_id=membership.tenant_id,
            certification=certification,
            membership=membership,
            partner=membership.partner,
            earned_at=now,
            expires_at=add_months(now, certification.validity_months)
            if certification.validity_months
            else None,
        )
        log_action(
            event=events.CERTIFICATION_EARNED,
            tenant=membership.tenant,
            actor=membership.user,
            obj=certification,
            subject=award,
            data=events.award_data(award),
            after={"expires": award.expires_at.date().isoformat() if award.expires_at else ""},
        )
    return award


def award_revoke(
    *, actor: Membership, award: CertificationAward, reason: str
) -> CertificationAward:
    """Revoke `award` (it stops counting at once; its verification page says REVOKED).

    Raises `PermissionDenied` without `training.manage`, `ValidationError` without a reason or
    for an award already revoked. Audited and emitted as `training.certification.revoked`.
    """
    _may_manage(actor, award.tenant_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the holder is told.")})
    with transaction.atomic():
        award = lock_row(award)
        if award.revoked_at is not None:
            raise ValidationError(_("This certification was revoked already."))
        award.revoked_at = timezone.now()
        award.revoked_by = actor
        award.revoke_reason = reason
        award.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        log_action(
            event=events.CERTIFICATION_REVOKED,
            tenant=award.tenant,
            actor=actor.user,
            obj=award.certification,
            subject=award,
            data=events.award_data(award) | {"reason": reason},
            before={"state": "valid"},
            after={"state": "revoked"},
            reason=reason,
        )
    return award
