"""Closing a statement period (`period_close`): drafts per partner, idempotent, a draft
refreshed, a negative balance carried, currencies never summed, later lines wait, approved and
paid statements untouched, the current period refused; and beat's daily run."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissions import beat
from commissions.models import Line, Statement, StatementTotal
from commissions.services.statements import last_ended_period, period_close, period_preview
from commissions.tests.factories import line_row
from prm.audit.models import AuditEvent
from prm.exchange.services import tenant_today
from prm.metrics.periods import Period, month_of

pytestmark = pytest.mark.django_db

S = Statement.Status
L = Line.State


def months_ago(tenant, n: int) -> Period:
    period = month_of(tenant_today(tenant))
    for _n in range(n):
        period = month_of(period.start - timedelta(days=1))
    return period


def totals_of(statement: Statement) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {
        t.currency: (t.opening, t.lines_total, t.closing)
        for t in StatementTotal.objects.filter(statement=statement)
    }


def statement_of(partner, period: Period) -> Statement:
    return Statement.objects.get(partner=partner, period_start=period.start)


@pytest.fixture
def period(in_ours):
    return months_ago(in_ours.tenant, 2)


def test_period_close_drafts_each_partners_statement_with_its_lines(in_ours, ops, period):
    world = in_ours
    a1 = line_row(world.partner, "100", earned_on=period.start)
    a2 = line_row(world.partner, "50.25", earned_on=period.end)
    b1 = line_row(world.other_partner, "30", earned_on=period.end)

    result = period_close(actor=ops, period=period)

    assert (result.drafted, result.refreshed, result.lines) == (2, 0, 3)
    mine = statement_of(world.partner, period)
    assert mine.status == S.DRAFT
    assert (mine.period_start, mine.period_end) == (period.start, period.end)
    assert set(mine.lines.values_list("pk", flat=True)) == {a1.pk, a2.pk}
    assert set(
        Line.objects.filter(pk__in=[a1.pk, a2.pk, b1.pk]).values_list("state", flat=True)
    ) == {L.STATEMENT}
    cur = world.tenant.default_currency
    assert totals_of(mine) == {cur: (Decimal("0.00"), Decimal("150.25"), Decimal("150.25"))}
    assert totals_of(statement_of(world.other_partner, period)) == {
        cur: (Decimal("0.00"), Decimal("30.00"), Decimal("30.00"))
    }
    drafted = AuditEvent.objects.filter(action="commissions.statement.drafted")
    assert drafted.filter(object_id=str(mine.pk)).exists()


def test_closing_a_period_twice_changes_nothing(in_ours, ops, period):
    line_row(in_ours.partner, "100", earned_on=period.end)
    period_close(actor=ops, period=period)
    before = list(Statement.objects.values_list("pk", "number"))

    again = period_close(actor=ops, period=period)

    assert (again.drafted, again.refreshed, again.lines) == (0, 0, 0)
    assert list(Statement.objects.values_list("pk", "number")) == before
    events = AuditEvent.objects.filter(action="commissions.statement.drafted")
    assert events.count() == 1


def test_a_draft_is_refreshed_with_the_lines_approved_since(in_ours, ops, period):
    line_row(in_ours.partner, "100", earned_on=period.end)
    period_close(actor=ops, period=period)
    late = line_row(in_ours.partner, "25", earned_on=period.start)

    result = period_close(actor=ops, period=period)

    assert (result.drafted, result.refreshed, result.lines) == (0, 1, 1)
    mine = statement_of(in_ours.partner, period)
    late.refresh_from_db()
    assert late.statement_id == mine.pk
    cur = in_ours.tenant.default_currency
    assert totals_of(mine) == {cur: (Decimal("0.00"), Decimal("125.00"), Decimal("125.00"))}


def test_a_negative_closing_balance_is_carried_into_the_next_statement(in_ours, ops):
    world = in_ours
    earlier, period = months_ago(world.tenant, 3), months_ago(world.tenant, 2)
    line_row(world.partner, "-80", earned_on=earlier.end, source=Line.Source.CLAWBACK)
    line_row(world.other_partner, "-40", earned_on=earlier.end, source=Line.Source.CLAWBACK)
    period_close(actor=ops, period=earlier)
    line_row(world.partner, "100", earned_on=period.end)

    result = period_close(actor=ops, period=period)

    cur = world.tenant.default_currency
    assert totals_of(statement_of(world.partner, period)) == {
        cur: (Decimal("-80.00"), Decimal("100.00"), Decimal("20.00"))
    }
    # B earned nothing: its statement carries the balance on, to be taken from a later payout
    assert totals_of(statement_of(world.other_partner, period)) == {
        cur: (Decimal("-40.00"), Decimal("0.00"), Decimal("-40.00"))
    }
    assert result.drafted == 2


def test_currencies_are_never_summed(in_ours, ops, period):
    cur = in_ours.tenant.default_currency
    other = "USD" if cur != "USD" else "EUR"
    line_row(in_ours.partner, "100", earned_on=period.end)
    line_row(in_ours.partner, "7.5", currency=other, earned_on=period.end)
    line_row(in_ours.partner, "-2.5", currency=other, earned_on=period.end)

    period_close(actor=ops, period=period)

    assert totals_of(statement_of(in_ours.partner, period)) == {
        cur: (Decimal("0.00"), Decimal("100.00"), Decimal("100.00")),
        other: (Decimal("0.00"), Decimal("5.00"), Decimal("5.00")),
    }


def test_lines_earned_after_the_period_end_wait_for_the_next_statement(in_ours, ops, period):
    line_row(in_ours.partner, "100", earned_on=period.end)
    later = line_row(in_ours.partner, "60", earned_on=period.end + timedelta(days=1))

    period_close(actor=ops, period=period)

    later.refresh_from_db()
    assert (later.state, later.statement_id) == (L.APPROVED, None)


def test_approved_and_paid_statements_are_left_alone(in_ours, ops):
    world = in_ours
    last = last_ended_period(world.commission_settings, tenant_today(world.tenant))
    assert world.statement.period_start == last.start
    before = totals_of(world.statement)
    late = line_row(world.partner, "999", earned_on=last.end)

    result = period_close(actor=ops, period=last, partner_ids=[world.partner.pk])

    assert result.skipped == 1
    assert (result.drafted, result.lines) == (0, 0)
    late.refresh_from_db()
    assert (late.state, late.statement_id) == (L.APPROVED, None)
    assert totals_of(world.statement) == before
    world.statement.refresh_from_db()
    assert world.statement.status == S.APPROVED


def test_the_current_period_cannot_be_closed(in_ours, ops):
    current = month_of(tenant_today(in_ours.tenant))
    with pytest.raises(ValidationError) as refused:
        period_close(actor=ops, period=current)
    assert "has not ended" in str(refused.value)
    assert not Statement.objects.filter(period_start=current.start).exists()


def test_pending_lines_whose_hold_ended_are_approved_first(in_ours, ops, period):
    world = in_ours
    due = line_row(world.partner, "10", state=L.PENDING, earned_on=period.end)
    held = line_row(
        world.partner,
        "20",
        state=L.PENDING,
        earned_on=period.end,
        hold_until=tenant_today(world.tenant) + timedelta(days=5),
    )

    result = period_close(actor=ops, period=period)

    due.refresh_from_db()
    held.refresh_from_db()
    assert result.approved >= 1
    assert due.state == L.STATEMENT
    assert (held.state, held.statement_id) == (L.PENDING, None)


def test_without_auto_approve_pending_lines_stay_pending(in_ours, ops, period):
    world = in_ours
    world.commission_settings.auto_approve = False
    world.commission_settings.save(update_fields=["auto_approve"])
    pending = line_row(world.partner, "10", state=L.PENDING, earned_on=period.end)

    period_close(actor=ops, period=period)

    pending.refresh_from_db()
    assert (pending.state, pending.statement_id) == (L.PENDING, None)


def test_a_cam_or_a_partner_user_cannot_close(in_ours, cam, rep, period):
    for member in (cam, rep):
        with pytest.raises(PermissionDenied):
            period_close(actor=member, period=period)


def test_closing_in_small_chunks_gives_the_same_statements(in_ours, ops, period):
    line_row(in_ours.partner, "100", earned_on=period.end)
    line_row(in_ours.other_partner, "200", earned_on=period.end)
    seen = []

    result = period_close(
        actor=ops, period=period, chunk=1, progress=lambda d, t: seen.append((d, t))
    )

    assert result.drafted == 2
    assert seen == [(0, 2), (1, 2), (2, 2)]
    numbers = sorted(
        Statement.objects.filter(period_start=period.start).values_list("number", flat=True)
    )
    assert numbers[1] == numbers[0] + 1


def test_the_preview_counts_partners_and_lines(in_ours, period):
    line_row(in_ours.partner, "100", earned_on=period.end)
    line_row(in_ours.partner, "5", earned_on=period.end)
    line_row(in_ours.other_partner, "200", earned_on=period.end)

    preview = period_preview(tenant=in_ours.tenant, period=period)

    assert (preview.partners, preview.lines, preview.drafts, preview.locked) == (2, 3, 0, 0)


def test_beat_drafts_the_last_period_the_day_after_it_ends(in_ours, monkeypatch):
    world = in_ours
    last = last_ended_period(world.commission_settings, tenant_today(world.tenant))
    earlier = month_of(last.start - timedelta(days=1))
    line_row(world.partner, "100", earned_on=earlier.end)
    monkeypatch.setattr(beat, "tenant_today", lambda tenant: earlier.end + timedelta(days=1))

    assert beat.statements_draft_due(tenant=world.tenant) == 1
    assert beat.statements_draft_due(tenant=world.tenant) == 0  # idempotent
    assert statement_of(world.partner, earlier).status == S.DRAFT


def test_beat_leaves_a_period_closed_long_ago_alone(in_ours, monkeypatch):
    world = in_ours
    last = last_ended_period(world.commission_settings, tenant_today(world.tenant))
    earlier = month_of(last.start - timedelta(days=1))
    line_row(world.partner, "100", earned_on=earlier.end)
    monkeypatch.setattr(beat, "tenant_today", lambda tenant: earlier.end + timedelta(days=10))

    assert beat.statements_draft_due(tenant=world.tenant) == 0


def test_beat_skips_a_tenant_without_a_plan_quietly(in_ours, monkeypatch):
    world = in_ours
    world.plan_version.__class__.objects.filter(tenant=world.tenant).update(status="draft")
    line_row(world.partner, "100", earned_on=months_ago(world.tenant, 1).end)

    assert beat.statements_draft_due(tenant=world.tenant) == 0


def test_the_close_job_resumes_after_a_killed_worker_and_skips_what_was_done(in_ours, ops, period):
    from commissions.jobs import KIND, period_params
    from prm.jobs.models import Job
    from prm.jobs.runner import run_job

    world = in_ours
    line_row(world.partner, "100", earned_on=period.end)
    line_row(world.other_partner, "200", earned_on=period.end)
    job = Job.objects.create(
        tenant=world.tenant, kind=KIND, params=period_params(period), label="t", created_by=ops.user
    )
    # the first attempt drafted one partner's statement, then its worker was killed
    period_close(
        actor=ops,
        period=period,
        chunk=1,
        cancelled=lambda: Statement.objects.filter(period_start=period.start).exists(),
    )
    assert Statement.objects.filter(period_start=period.start).count() == 1

    assert run_job(job.pk) == Job.Status.DONE

    job.refresh_from_db()
    assert (job.done, job.total, job.failed) == (2, 2, 0)
    assert Statement.objects.filter(period_start=period.start).count() == 2
    drafted = AuditEvent.objects.filter(action="commissions.statement.drafted")
    assert drafted.count() == 2  # each statement announced once


def test_a_close_job_of_someone_who_left_fails_with_a_sentence(in_ours, ops, period):
    from commissions.jobs import KIND, period_params
    from prm.jobs.models import Job
    from prm.jobs.runner import run_job

    job = Job.objects.create(
        tenant=in_ours.tenant, kind=KIND, params=period_params(period), label="t", created_by=None
    )
    run_job(job.pk)
    job.refresh_from_db()
    assert job.failed == 1
    assert "no longer a member" in job.failures[0]["message"]
