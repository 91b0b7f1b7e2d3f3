"""Learning paths and certifications: locks, progress, next course, awards, expiry,
reminders, the certified-users metric with the tier engine, and onboarding."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Segment, StepCompletion, Tier, TierRequirement
from partners.tests.factories import OnboardingPlanFactory, OnboardingStepFactory, PartnerFactory
from partners.tiers import selectors as tiers
from prm.audit.models import AuditEvent
from prm.metrics.periods import Period
from prm.metrics.registry import get as metric
from prm.notifications.models import Notification, ReminderLog
from prm.notifications.reminders import run_reminders
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import delete_with_dependents, published_course_rows
from training.models import (
    Certification,
    CertificationAward,
    LearningPath,
    PathCourse,
)
from training.paths.selectors import add_months, course_lock, next_course, path_rows
from training.paths.services import (
    award_revoke,
    certifications_earn,
    path_publish,
    path_required_added,
)
from training.selectors import version_modules
from training.services import course_start, module_complete

pytestmark = pytest.mark.django_db


def course(world, title, segments=()):
    found, _modules = published_course_rows(world.tenant, title, segments=list(segments))
    return found


def a_path(world, courses, segments=(), published=True, title="Sales path"):
    """A path of (course, required[, prerequisite[, open_from_start]]) steps."""
    path = LearningPath.objects.create(
        tenant=world.tenant,
        title=title,
        status=LearningPath.Status.PUBLISHED if published else LearningPath.Status.DRAFT,
    )
    path.segments.set(segments)
    for position, step in enumerate(courses, start=1):
        found, required, *rest = step
        PathCourse.objects.create(
            tenant=world.tenant, path=path, course=found, position=position, required=required,
            prerequisite=rest[0] if rest else None,
            open_from_start=rest[1] if len(rest) > 1 else False,
        )  # fmt: skip
    return path


def pass_course(member, found):
    enrolment = course_start(actor=member, course=found)
    for module in version_modules(enrolment.version):
        enrolment = module_complete(actor=member, enrolment=enrolment, module=module)
    return enrolment


@pytest.fixture
def three(in_ours):
    """Three courses for every partner: first and second required, third optional."""
    return [course(in_ours, f"Course {n}") for n in (1, 2, 3)]


def test_a_course_is_locked_until_the_previous_required_one_is_passed(in_ours, rep, three):
    first, second, third = three
    a_path(in_ours, [(first, True), (second, True), (third, False)])
    assert course_lock(rep, first) is None
    assert course_lock(rep, second) == first
    assert course_lock(rep, third) == second  # the nearest required course before it
    with pytest.raises(ValidationError, match="unlocks when you pass Course 1"):
        course_start(actor=rep, course=second)
    pass_course(rep, first)
    assert course_lock(rep, second) is None
    course_start(actor=rep, course=second)


def test_an_explicit_prerequisite_or_open_from_start_overrides_the_default(in_ours, rep, three):
    first, second, third = three
    a_path(in_ours, [(first, True), (second, True), (third, True, first)])
    assert course_lock(rep, third) == first
    other = course(in_ours, "Open course")
    a_path(in_ours, [(first, True), (other, True, None, True)], title="Other path")
    assert course_lock(rep, other) is None


def test_a_course_in_two_paths_opens_with_the_first_that_unlocks_it(in_ours, rep, three):
    first, second, third = three
    a_path(in_ours, [(first, True), (third, True)])
    a_path(in_ours, [(second, True), (third, True)], title="Second path")
    assert course_lock(rep, third) is not None
    pass_course(rep, second)
    assert course_lock(rep, third) is None


def test_a_started_course_is_never_locked(in_ours, rep, three):
    first, second, _third = three
    course_start(actor=rep, course=second)
    a_path(in_ours, [(first, True), (second, True)])
    assert course_lock(rep, second) is None


def test_draft_paths_and_paths_for_other_segments_lock_nothing(in_ours, rep, three):
    first, second, _third = three
    apac = Segment.objects.create(tenant=in_ours.tenant, name="APAC only", regions=["apac"])
    a_path(in_ours, [(first, True), (second, True)], published=False)
    a_path(in_ours, [(first, True), (second, True)], segments=[apac], title="APAC path")
    assert course_lock(rep, second) is None
    assert [r.path for r in path_rows(rep)] == [in_ours.path]  # the world's, for everyone


def test_progress_counts_required_courses_and_the_time_left(in_ours, rep, three):
    first, second, third = three
    path = a_path(in_ours, [(first, True), (second, True), (third, False)])

    def row_of():
        return next(r for r in path_rows(rep) if r.path == path)

    row = row_of()
    assert (row.required_passed, row.required_total, row.percent) == (0, 2, 0)
    minutes = first.current_version.estimated_minutes + second.current_version.estimated_minutes
    assert row.minutes_left == minutes
    assert row.next_step.course == first
    pass_course(rep, first)
    row = row_of()
    assert (row.required_passed, row.percent) == (1, 50)
    assert row.minutes_left == second.current_version.estimated_minutes
    assert row.next_step.course == second
    assert [s.locked for s in row.steps] == [False, False, True]  # the optional waits for 2


def test_next_course_is_the_next_open_course_of_the_path(in_ours, rep, three):
    first, second, third = three
    a_path(in_ours, [(first, True), (second, True), (third, False)])
    assert next_course(rep, first) is None  # the others wait for it
    pass_course(rep, first)
    assert next_course(rep, first) == second
    pass_course(rep, second)
    assert next_course(rep, second) == third
    pass_course(rep, third)
    assert next_course(rep, third) is None
    assert next_course(rep, course(in_ours, "Not in a path")) is None


def test_passing_the_last_required_course_earns_the_paths_certification_once(in_ours, rep, three):
    first, second, third = three
    path = a_path(in_ours, [(first, True), (second, True), (third, False)])
    cert = Certification.objects.create(
        tenant=in_ours.tenant, name="Certified seller", path=path, validity_months=24
    )
    pass_course(rep, first)
    assert not CertificationAward.objects.filter(certification=cert).exists()
    enrolment = pass_course(rep, second)
    award = CertificationAward.objects.get(certification=cert, membership=rep)
    assert award.earned_at == enrolment.completed_at  # the same moment, the same transaction
    assert award.expires_at == add_months(award.earned_at, 24)
    assert award.partner == in_ours.partner
    assert len(award.code) >= 22
    pass_course(rep, third)  # optional: nothing more
    assert CertificationAward.objects.filter(certification=cert).count() == 1
    notice = Notification.objects.get(event="training.certification.earned")
    assert notice.recipient == rep.user
    assert "Certified seller" in notice.title
    assert AuditEvent.objects.filter(action="training.certification.earned").count() == 1


def test_a_named_course_earns_its_certification_and_a_renewal_is_a_new_award(in_ours, rep):
    found = course(in_ours, "Product essentials")
    cert = Certification.objects.create(
        tenant=in_ours.tenant, name="Essentials", course=found, validity_months=12
    )
    pass_course(rep, found)
    first = CertificationAward.objects.get(certification=cert)
    assert certifications_earn(membership=rep, course_id=found.pk) == []  # still valid
    CertificationAward.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    [renewal] = certifications_earn(membership=rep, course_id=found.pk)
    assert renewal.pk != first.pk
    assert renewal.code != first.code


def test_a_retired_certification_is_no_longer_awarded(in_ours, rep):
    found = course(in_ours, "Retired essentials")
    Certification.objects.create(
        tenant=in_ours.tenant, name="Old", course=found, status=Certification.Status.RETIRED
    )
    pass_course(rep, found)
    assert not CertificationAward.objects.filter(membership=rep, certification__name="Old")


def test_a_path_that_does_not_target_the_learner_certifies_nobody(in_ours, rep):
    found = course(in_ours, "Everyone's course")
    apac = Segment.objects.create(tenant=in_ours.tenant, name="APAC certs", regions=["apac"])
    path = a_path(in_ours, [(found, True)], segments=[apac])
    Certification.objects.create(tenant=in_ours.tenant, name="APAC cert", path=path)
    pass_course(rep, found)
    assert not CertificationAward.objects.filter(certification__name="APAC cert").exists()


def test_revoking_needs_manage_and_a_reason_and_tells_the_holder(in_ours, ops):
    award = in_ours.award
    with pytest.raises(PermissionDenied):
        award_revoke(actor=in_ours.members[Role.CAM], award=award, reason="Cheated")
    with pytest.raises(ValidationError):
        award_revoke(actor=ops, award=award, reason="  ")
    award_revoke(actor=ops, award=award, reason="Shared the answers")
    award.refresh_from_db()
    assert award.state_at(timezone.now()) == CertificationAward.State.REVOKED
    notice = Notification.objects.get(event="training.certification.revoked")
    assert notice.message == "Shared the answers"
    with pytest.raises(ValidationError):
        award_revoke(actor=ops, award=award, reason="Again")


def test_publishing_a_path_tells_its_targeted_learners_of_required_courses(in_ours, ops, rep):
    found = course(in_ours, "Required one")
    optional = course(in_ours, "Optional one")
    emea = Segment.objects.create(tenant=in_ours.tenant, name="EMEA path", regions=["emea"])
    Partner.objects.filter(pk=in_ours.partner.pk).update(region="emea")
    path = a_path(in_ours, [(found, True), (optional, False)], segments=[emea], published=False)
    path_publish(actor=ops, path=path)
    told = Notification.objects.filter(event="training.path.course_required")
    assert set(told.values_list("recipient_id", flat=True)) == {
        rep.user_id,
        in_ours.members[Role.PARTNER_ADMIN].user_id,
    }  # partner B is not in EMEA; staff take no training
    assert all("Required one" in n.title for n in told)
    assert told.first().link == f"/learning/paths/{path.pk}/"


def test_a_required_course_added_later_is_told_only_to_who_has_not_passed_it(in_ours, ops, rep):
    found = course(in_ours, "Later course")
    path = a_path(in_ours, [(in_ours.course, True)])
    pass_course(in_ours.members[Role.PARTNER_ADMIN], found)
    PathCourse.objects.create(tenant=in_ours.tenant, path=path, course=found, position=2)
    path_required_added(actor=ops, path=path, course_ids=[found.pk])
    told = set(
        Notification.objects.filter(event="training.path.course_required").values_list(
            "recipient_id", flat=True
        )
    )
    assert rep.user_id in told
    assert in_ours.members[Role.PARTNER_ADMIN].user_id not in told


def test_a_path_with_an_unpublished_course_is_not_published(in_ours, ops):
    draft = course(in_ours, "Still a draft")
    draft.status = "draft"
    draft.save()
    path = a_path(in_ours, [(draft, True)], published=False)
    with pytest.raises(ValidationError, match="not published"):
        path_publish(actor=ops, path=path)
    with pytest.raises(PermissionDenied):
        path_publish(actor=in_ours.members[Role.CAM], path=path)


def expiring(world, days, member=None):
    member = member or world.members[Role.PARTNER_REP]
    return CertificationAward.objects.create(
        tenant=world.tenant, certification=world.certification, membership=member,
        partner=member.partner, earned_at=timezone.now() - timedelta(days=300),
        expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip


def fired(world, at=None):
    """Run every reminder at `at`; return the expiry steps logged so far."""
    run_reminders(world.tenant, at)
    return list(
        ReminderLog.objects.filter(reminder="training.certification.expiring")
        .order_by("step")
        .values_list("step", flat=True)
    )


def test_expiry_reminders_fire_30_and_7_days_before_each_once(in_ours):
    CertificationAward.objects.all().delete()
    award = expiring(in_ours, 40)
    now = timezone.now()
    assert fired(in_ours, now) == []
    with mock.patch.object(timezone, "now", return_value=now + timedelta(days=11)):
        assert fired(in_ours, now + timedelta(days=11)) == [0]  # 29 days before
        assert fired(in_ours, now + timedelta(days=11)) == [0]  # once
    with mock.patch.object(timezone, "now", return_value=now + timedelta(days=34)):
        assert fired(in_ours, now + timedelta(days=34)) == [0, 1]  # 6 days before
        assert fired(in_ours, now + timedelta(days=34)) == [0, 1]
    told = Notification.objects.filter(event="training.certification.expiring")
    assert told.filter(recipient=award.membership.user).count() == 2
    steps = ReminderLog.objects.filter(reminder="training.certification.expiring")
    assert sorted(steps.values_list("step", flat=True)) == [0, 1]
    assert set(steps.values_list("subject_id", flat=True)) == {str(award.pk)}


def test_the_expiry_reminder_tells_the_holder_and_their_admins(in_ours, rep):
    CertificationAward.objects.all().delete()
    expiring(in_ours, 20)
    assert fired(in_ours) == [0]
    told = Notification.objects.filter(event="training.certification.expiring")
    assert set(told.values_list("recipient_id", flat=True)) == {
        rep.user_id,
        in_ours.members[Role.PARTNER_ADMIN].user_id,
    }
    assert "expires in 20 days" in told.get(recipient=rep.user).title


def test_a_late_sweep_sends_only_the_nearer_reminder(in_ours):
    CertificationAward.objects.all().delete()
    expiring(in_ours, 5)
    assert fired(in_ours) == [1]


def test_revoked_and_expired_awards_are_not_reminded(in_ours):
    CertificationAward.objects.all().delete()
    expiring(in_ours, 20).delete()
    revoked = expiring(in_ours, 20)
    revoked.revoked_at = timezone.now()
    revoked.save()
    expiring(in_ours, -1)
    assert fired(in_ours) == []


def period_ending(day):
    return Period(day.replace(day=1), day)


def test_certified_users_counts_distinct_valid_holders(in_ours, rep):
    today = timezone.localdate()
    counted = metric("training.certified_users")
    CertificationAward.objects.all().delete()
    admin = in_ours.members[Role.PARTNER_ADMIN]
    expiring(in_ours, 100)
    expiring(in_ours, 200)  # the same rep twice: one user
    expiring(in_ours, -3, member=admin)  # expired
    ids = [in_ours.partner.pk, in_ours.other_partner.pk]
    values = counted.for_partners(in_ours.tenant, period_ending(today), ids)
    assert values == {in_ours.partner.pk: Decimal(1), in_ours.other_partner.pk: Decimal(0)}
    # at the end of a period before the expiry, the admin's award counted
    earlier = today - timedelta(days=10)
    assert counted.for_partners(in_ours.tenant, period_ending(earlier), ids)[
        in_ours.partner.pk
    ] == Decimal(2)


def test_a_tier_needing_certified_reps_shows_the_path_and_drops_an_expired_one(in_ours, rep):
    CertificationAward.objects.all().delete()
    delete_with_dependents(Tier.objects.filter(tenant=in_ours.tenant))
    registered = Tier.objects.create(tenant=in_ours.tenant, name="Registered", rank=1)
    Partner.objects.filter(pk=in_ours.partner.pk).update(tier=registered)
    gold = Tier.objects.create(tenant=in_ours.tenant, name="Gold", rank=3)
    TierRequirement.objects.create(
        tenant=in_ours.tenant, tier=gold, metric="training.certified_users", threshold=2
    )
    partner = Partner.objects.get(pk=in_ours.partner.pk)
    expiring(in_ours, 100)
    standing = tiers.standing_of(partner, timezone.localdate())
    assert standing.path == "1 more certified user → Gold"
    admin_award = expiring(in_ours, 100, member=in_ours.members[Role.PARTNER_ADMIN])
    standing = tiers.standing_of(partner, timezone.localdate())
    assert tiers.earned_tier(standing.values, standing.tiers) == gold
    CertificationAward.objects.filter(pk=admin_award.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    standing = tiers.standing_of(partner, timezone.localdate())
    assert tiers.earned_tier(standing.values, standing.tiers) != gold
    assert standing.path == "1 more certified user → Gold"


def test_an_onboarding_step_waiting_for_a_course_passed_ticks(in_ours):
    plan = OnboardingPlanFactory(
        tenant=in_ours.tenant, partner_type=in_ours.partner_type, name="Learning onboarding"
    )
    OnboardingStepFactory(
        plan=plan, position=1, title="Pass a first course", event="training.course.passed"
    )
    newcomer = PartnerFactory(
        tenant=in_ours.tenant, name="Newcomer", partner_type=in_ours.partner_type,
        status=Partner.Status.ONBOARDING,
    )  # fmt: skip
    learner = partner_membership(newcomer, Role.PARTNER_REP)
    pass_course(learner, in_ours.course)
    ticked = StepCompletion.objects.filter(onboarding__partner=newcomer)
    assert list(ticked.values_list("step__title", flat=True)) == ["Pass a first course"]


def test_add_months_keeps_the_day_or_the_months_last():
    def at(y, m, d):
        return datetime(y, m, d, 12, tzinfo=UTC)

    assert add_months(at(2026, 1, 31), 1) == at(2026, 2, 28)
    assert add_months(at(2026, 11, 15), 24) == at(2028, 11, 15)
    assert add_months(at(2026, 3, 15), -23) == at(2024, 4, 15)


@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_award_the_certification_once(ours):
    """Two requests completing at once (two connections) leave one valid award: the member's
    row serialises the check and the insert."""
    with scope(tenant=ours.tenant):
        cert = Certification.objects.create(
            tenant=ours.tenant, name="Raced", course=ours.course, validity_months=12
        )
    admin = ours.members[Role.PARTNER_ADMIN]
    barrier = threading.Barrier(2)
    errors = []

    def earn():
        try:
            with scope(tenant=ours.tenant):
                barrier.wait()
                certifications_earn(membership=admin, course_id=ours.course.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=earn) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with scope(tenant=ours.tenant):
        assert CertificationAward.objects.filter(certification=cert, membership=admin).count() == 1
