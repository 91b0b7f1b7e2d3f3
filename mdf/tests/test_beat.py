"""Beat: overdue decisions escalate, claim reminders follow the deadline, request windows are
announced and low allocations warned, each once however often the sweep runs."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mdf import beat, ledger
from mdf.events import tenant_today
from mdf.models import Allocation, Claim, Fund, MdfRequest
from mdf.services import review
from mdf.services.allocations import allocation_set
from mdf.tasks import allocation_check_after_commit, mdf_sweep_task
from mdf.tests.factories import allocation_row, claim_row, fund_row, request_row
from prm import celery_app
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role


def told(member, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=member.user, event=event))


def noon(world, days: int) -> datetime:
    """Noon in the tenant's time zone, `days` after its today."""
    day = tenant_today(world.tenant) + timedelta(days=days)
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(world.tenant.time_zone))


# Decisions overdue


def only_ours_waiting(world) -> None:
    """The other partner's request withdrawn: only partner A's waits for a decision."""
    MdfRequest.objects.filter(pk=world.other_mdf_request.pk).update(
        status=MdfRequest.Status.WITHDRAWN
    )


def test_an_overdue_request_tells_its_cams_then_the_leaders_once_each(in_ours):
    world = in_ours
    only_ours_waiting(world)
    request = world.mdf_request
    cam, leader = world.members[Role.CAM], world.members[Role.PROGRAM_LEADER]
    assert beat.requests_escalate(tenant=world.tenant) == 0
    late = request.sla_due_at + timedelta(minutes=1)
    assert beat.requests_escalate(tenant=world.tenant, now=late) == 1
    assert beat.requests_escalate(tenant=world.tenant, now=late) == 0
    assert len(told(cam, "mdf.request.sla_overdue")) == 1
    assert told(leader, "mdf.request.sla_escalated") == []
    much_later = late + timedelta(days=7)
    assert beat.requests_escalate(tenant=world.tenant, now=much_later) == 1
    assert beat.requests_escalate(tenant=world.tenant, now=much_later) == 0
    assert len(told(leader, "mdf.request.sla_escalated")) == 1
    assert len(told(cam, "mdf.request.sla_overdue")) == 1
    request.refresh_from_db()
    assert request.escalation_level == 2
    levels = AuditEvent.objects.filter(
        tenant=world.tenant, action="mdf.request.escalated", object_id=str(request.pk)
    ).values_list("after__level", flat=True)
    assert sorted(levels) == [1, 2]


def test_a_request_found_two_levels_late_tells_both_at_once(in_ours):
    world = in_ours
    only_ours_waiting(world)
    much_later = world.mdf_request.sla_due_at + timedelta(days=10)
    assert beat.requests_escalate(tenant=world.tenant, now=much_later) == 1
    assert len(told(world.members[Role.CAM], "mdf.request.sla_overdue")) == 1
    assert len(told(world.members[Role.PROGRAM_LEADER], "mdf.request.sla_escalated")) == 1


def test_a_decided_or_withdrawn_request_never_escalates(in_ours):
    world = in_ours
    only_ours_waiting(world)
    MdfRequest.objects.filter(pk=world.mdf_request.pk).update(status=MdfRequest.Status.WITHDRAWN)
    later = world.mdf_request.sla_due_at + timedelta(days=9)
    assert beat.requests_escalate(tenant=world.tenant, now=later) == 0


# Claim deadlines


def approved_unclaimed(world, due_in_days: int) -> MdfRequest:
    rep = world.members[Role.PARTNER_REP]
    request = request_row(world.allocation, rep, status=MdfRequest.Status.APPROVED, amount="800")
    request.claim_due_on = tenant_today(world.tenant) + timedelta(days=due_in_days)
    request.save(update_fields=["claim_due_on"])
    return request


@pytest.mark.parametrize(
    ("left", "level"),
    [(30, 0), (15, 0), (14, 1), (4, 1), (3, 2), (0, 2), (-1, 3), (-40, 3)],
)
def test_which_reminder_a_deadline_owes(left, level):
    today = timezone.localdate()
    assert beat.claim_reminder_level(today + timedelta(days=left), today) == level


def test_claim_reminders_fire_14_and_3_days_before_and_the_day_after(in_ours):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    request = approved_unclaimed(world, 20)
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 0)) == 0
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 6)) == 1
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 7)) == 0
    [soon] = told(rep, "mdf.claim.due_soon")
    assert soon.title == f"Claim due in 14 days: {request.title} ({request.reference})"
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 17)) == 1
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 20)) == 0  # due today
    assert len(told(rep, "mdf.claim.due_soon")) == 2
    assert told(rep, "mdf.claim.overdue") == []
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 21)) == 1
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 30)) == 0
    assert len(told(rep, "mdf.claim.overdue")) == 1
    request.refresh_from_db()
    assert request.claim_reminders == 3
    assert (
        AuditEvent.objects.filter(
            tenant=world.tenant, action="mdf.claim.reminded", object_id=str(request.pk)
        ).count()
        == 3
    )


def test_an_extension_moves_the_reminders_to_the_new_date(in_ours):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    request = approved_unclaimed(world, -1)
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 0)) == 1
    assert len(told(rep, "mdf.claim.overdue")) == 1
    # A CAM extends the deadline by 30 days from today: nothing is owed yet, the level resets.
    MdfRequest.objects.filter(pk=request.pk).update(
        claim_due_on=tenant_today(world.tenant) + timedelta(days=30)
    )
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 1)) == 0
    request.refresh_from_db()
    assert request.claim_reminders == 0
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 16)) == 1
    assert len(told(rep, "mdf.claim.due_soon")) == 1
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 31)) == 1
    assert len(told(rep, "mdf.claim.overdue")) == 2


def test_a_request_approved_late_gets_only_the_reminder_it_is_owed(in_ours):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    approved_unclaimed(world, 2)
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 0)) == 1
    [reminder] = told(rep, "mdf.claim.due_soon")
    assert reminder.title.startswith("Claim due in 2 days")


def test_a_filed_claim_stops_the_reminders_a_draft_does_not(in_ours):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    drafted = approved_unclaimed(world, 3)
    claim_row(drafted, rep, status=Claim.Status.DRAFT, proof=False)
    filed = approved_unclaimed(world, 3)
    claim_row(filed, rep, status=Claim.Status.SUBMITTED, proof=False)
    assert beat.claims_remind(tenant=world.tenant, now=noon(world, 0)) == 1
    [reminder] = told(rep, "mdf.claim.due_soon")
    assert reminder.subject_id == str(drafted.pk)


# Request windows


def test_a_window_is_announced_on_its_opening_day_to_the_partners_with_an_allocation(in_ours):
    world = in_ours
    Fund.objects.filter(pk=world.fund.pk).update(window_announced_at=timezone.now())
    opens = tenant_today(world.tenant) + timedelta(days=5)
    fund = fund_row(world.tenant, "Next window", opens_on=opens, closes_on=opens + timedelta(30))
    allocation_row(fund, world.partner, "12000")
    empty = fund_row(world.tenant, "Nothing allocated", opens_on=opens)
    assert beat.windows_announce(tenant=world.tenant, now=noon(world, 4)) == 0
    assert beat.windows_announce(tenant=world.tenant, now=noon(world, 5)) == 1
    assert beat.windows_announce(tenant=world.tenant, now=noon(world, 6)) == 0
    admin = world.members[Role.PARTNER_ADMIN]
    [notice] = told(admin, "mdf.fund.window_opened")
    assert notice.title == "Next window is open for requests"
    assert "may ask for up to" in notice.body
    # Reps may request in this world: they are told too; the other partner has no allocation.
    assert len(told(world.members[Role.PARTNER_REP], "mdf.fund.window_opened")) == 1
    assert told(world.other_partner_admin, "mdf.fund.window_opened") == []
    fund.refresh_from_db()
    empty.refresh_from_db()
    assert fund.window_announced_at is not None
    assert empty.window_announced_at is None  # it waits for an allocation
    assert AuditEvent.objects.filter(
        tenant=world.tenant, action="mdf.fund.window_opened", object_id=str(fund.pk)
    ).exists()


def test_reps_are_not_told_of_a_window_when_they_may_not_request(in_ours):
    world = in_ours
    world.mdf_settings.reps_may_request = False
    world.mdf_settings.save(update_fields=["reps_may_request"])
    assert beat.windows_announce(tenant=world.tenant) == 1  # the world's fund, open already
    assert len(told(world.members[Role.PARTNER_ADMIN], "mdf.fund.window_opened")) == 1
    assert len(told(world.other_partner_admin, "mdf.fund.window_opened")) == 1
    assert told(world.members[Role.PARTNER_REP], "mdf.fund.window_opened") == []


def test_a_closed_window_is_not_announced(in_ours):
    world = in_ours
    Fund.objects.filter(pk=world.fund.pk).update(
        closes_on=tenant_today(world.tenant) - timedelta(days=1),
        opens_on=tenant_today(world.tenant) - timedelta(days=40),
    )
    assert beat.windows_announce(tenant=world.tenant) == 0


# Allocations running low


def spend(allocation: Allocation, world, amount: str) -> MdfRequest:
    return request_row(
        allocation, world.members[Role.PARTNER_ADMIN], status=MdfRequest.Status.APPROVED,
        amount=amount,
    )  # fmt: skip


def test_a_low_allocation_warns_the_partner_admins_once_until_topped_up(in_ours):
    world = in_ours
    admin = world.members[Role.PARTNER_ADMIN]
    assert beat.allocations_warn_low(tenant=world.tenant) == 0
    allocation = Allocation.objects.get(pk=world.allocation.pk)
    spend(allocation, world, str(allocation.available - Decimal("1000")))
    assert beat.allocations_warn_low(tenant=world.tenant) == 1
    assert beat.allocations_warn_low(tenant=world.tenant) == 0
    assert beat.allocation_warn_if_low(allocation) is False
    [warning] = told(admin, "mdf.allocation.low")
    assert warning.title.startswith(f"{world.fund.name}: ")
    assert "left to ask for" in warning.title
    assert told(world.other_partner_admin, "mdf.allocation.low") == []
    # Topped up: the mark is cleared; drained again, it warns again.
    allocation_set(
        actor=world.members[Role.PROGRAM_LEADER],
        fund=world.fund,
        partner=world.partner,
        amount=allocation.allocated + Decimal("30000"),
        reason="More for the second half",
    )
    assert beat.allocations_warn_low(tenant=world.tenant) == 0
    allocation.refresh_from_db()
    assert allocation.low_warned_at is None
    spend(allocation, world, str(allocation.available - Decimal("500")))
    assert beat.allocations_warn_low(tenant=world.tenant) == 1
    assert len(told(admin, "mdf.allocation.low")) == 2


def test_an_approval_can_warn_right_after_it_commits(in_ours, django_capture_on_commit_callbacks):
    world = in_ours
    allocation = Allocation.objects.get(pk=world.other_allocation.pk)
    request = request_row(allocation, world.other_partner_admin, amount="100")
    with django_capture_on_commit_callbacks(execute=True):
        ledger.commit(
            request=request, amount=allocation.available - Decimal("10"), actor=None, reason="x"
        )
        allocation_check_after_commit(allocation)
    assert len(told(world.other_partner_admin, "mdf.allocation.low")) == 1
    assert told(world.members[Role.PARTNER_ADMIN], "mdf.allocation.low") == []


def test_an_approval_that_leaves_little_warns_once_it_commits(
    in_ours, django_capture_on_commit_callbacks
):
    world = in_ours
    allocation = Allocation.objects.get(pk=world.other_allocation.pk)
    asked = allocation.available - Decimal("100")
    request = request_row(allocation, world.other_partner_admin, amount=str(asked))
    Fund.objects.filter(pk=world.fund.pk).update(second_approval_above=None)
    request.fund.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review.request_approve(actor=world.members[Role.PROGRAM_LEADER], mdf_request=request)
    [warning] = told(world.other_partner_admin, "mdf.allocation.low")
    assert "left to ask for" in warning.title
    assert beat.allocations_warn_low(tenant=world.tenant) == 0  # the sweep does not tell again


def test_an_allocation_of_nothing_is_never_low(in_ours):
    world = in_ours
    fund = fund_row(world.tenant, "Empty allocations")
    allocation = allocation_row(fund, world.partner, "0.01")
    ledger.post(allocation=allocation, kind=ledger.K.ALLOCATED, amount=Decimal("-0.01"),
                actor=None, reason="back to zero")  # fmt: skip
    assert beat.allocation_warn_if_low(allocation) is False


# The task


def test_the_sweep_runs_every_job_and_is_harmless_twice(in_ours):
    world = in_ours
    MdfRequest.objects.filter(pk=world.mdf_request.pk).update(
        sla_due_at=timezone.now() - timedelta(days=10)
    )
    first = mdf_sweep_task(tenant_id=world.tenant.pk)
    assert first["escalated"] == 1
    assert first["windows"] == 1
    again = mdf_sweep_task(tenant_id=world.tenant.pk)
    assert again == {"escalated": 0, "reminded": 0, "windows": 0, "low": 0}


def test_beat_runs_the_sweep():
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["mdf-sweep"]
    assert entry["task"] == "mdf.tasks.mdf_sweep_all_task"
    assert entry["task"] in celery_app.tasks
