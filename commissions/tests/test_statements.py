"""Statements after the close: approving one or several (confirmed), who sees which, the
admin pages (list, statement page with its lines a screen at a time), the CSV, the to-do
cards."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from commissions.models import Line, Statement
from commissions.services.statements import (
    next_payout_day,
    period_close,
    statement_approve,
    statements_visible_to,
)
from commissions.tests.factories import line_row
from commissions.todo import payouts_todo, statements_todo
from commissions.workflow import STATEMENTS
from prm.exchange.services import tenant_today
from prm.jobs.models import Job
from prm.metrics.periods import month_of
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

pytestmark = pytest.mark.django_db

S = Statement.Status


def two_months_ago(tenant):
    last = month_of(month_of(tenant_today(tenant)).start - timedelta(days=1))
    return month_of(last.start - timedelta(days=1))


def draft_of(world, amount="100", partner=None):
    period = two_months_ago(world.tenant)
    line_row(partner or world.partner, amount, earned_on=period.end)
    period_close(actor=world.members[Role.PARTNER_OPS], period=period)
    return Statement.objects.get(partner=partner or world.partner, period_start=period.start)


def test_approving_a_draft_tells_the_partner_admins_with_the_payout_day(
    in_ours, ops, django_capture_on_commit_callbacks
):
    draft = draft_of(in_ours)
    admin = in_ours.members[Role.PARTNER_ADMIN]
    with django_capture_on_commit_callbacks() as callbacks:
        approved = statement_approve(actor=ops, statement=draft)
    assert approved.status == S.APPROVED
    assert approved.approved_by == ops.user
    assert callbacks  # the PDF is stored once the approval commits
    told = Notification.objects.get(recipient=admin.user, event="commissions.statement.ready")
    assert draft.reference in told.title
    assert told.link.endswith(f"/earnings/statements/{draft.pk}/")
    with pytest.raises(TransitionError):
        statement_approve(actor=ops, statement=approved)


def test_the_payout_day_is_the_next_on_or_after_today(in_ours):
    settings = in_ours.commission_settings
    settings.payout_day = 15
    day = tenant_today(in_ours.tenant).replace(day=10)
    assert next_payout_day(settings, day) == day.replace(day=15)
    assert next_payout_day(settings, day.replace(day=15)) == day.replace(day=15)
    later = next_payout_day(settings, day.replace(day=16))
    assert later.day == 15
    assert later > day.replace(day=16)


def test_a_cam_or_a_partner_admin_cannot_approve(in_ours, cam):
    draft = draft_of(in_ours)
    for member in (cam, in_ours.members[Role.PARTNER_ADMIN]):
        with pytest.raises(PermissionDenied):
            statement_approve(actor=member, statement=draft)
    assert Statement.objects.get(pk=draft.pk).status == S.DRAFT


def test_who_sees_which_statements(in_ours, theirs, cam):
    draft = draft_of(in_ours)
    admin = in_ours.members[Role.PARTNER_ADMIN]
    ops = in_ours.members[Role.PARTNER_OPS]
    assert set(statements_visible_to(ops)) >= {draft, in_ours.statement, in_ours.other_statement}
    # a partner admin: the company's approved and paid ones, never a draft or another's
    assert set(statements_visible_to(admin)) == {in_ours.statement}
    assert not statements_visible_to(in_ours.members[Role.PARTNER_REP]).exists()
    # a CAM: the assigned partners' only
    assert set(statements_visible_to(cam)) == {draft, in_ours.statement}


def test_the_workflow_refuses_paying_a_draft(in_ours):
    draft = draft_of(in_ours)
    assert STATEMENTS.allowed(draft, "approve")
    assert not STATEMENTS.allowed(draft, "pay")


def test_the_statement_pages_and_approving_from_them(ours, host_client):
    with scope(tenant=ours.tenant):
        draft = draft_of(ours)
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    listing = ops.get("/admin/commissions/statement/").content.decode()
    assert draft.reference in listing
    assert 'id="period-close"' in listing
    page = ops.get(f"/admin/commissions/statement/{draft.pk}/change/").content.decode()
    assert 'id="statement-approve"' in page
    assert 'id="statement-lines"' in page
    url = f"/admin/commissions/statements/statement/{draft.pk}/approve/"
    confirm = ops.get(url)
    assert confirm.status_code == 200
    assert b"statement-approve-submit" in confirm.content
    assert ops.post(url, {"note": ""}).status_code == 302
    with scope(tenant=ours.tenant):
        assert Statement.objects.get(pk=draft.pk).status == S.APPROVED
    # approved: back to its page with why
    again = ops.get(url)
    assert again.status_code == 302


def test_bulk_approval_asks_to_confirm_first(ours, host_client):
    with scope(tenant=ours.tenant):
        mine = draft_of(ours)
        theirs_ = draft_of(ours, partner=ours.other_partner)
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    data = {
        "action": "approve_selected",
        "_selected_action": [mine.pk, theirs_.pk, ours.statement.pk],
    }
    confirm = ops.post("/admin/commissions/statement/", data)
    assert confirm.status_code == 200
    assert b"approve-selected-submit" in confirm.content
    with scope(tenant=ours.tenant):
        assert Statement.objects.get(pk=mine.pk).status == S.DRAFT
    done = ops.post("/admin/commissions/statement/", {**data, "confirmed": "yes"})
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        assert set(
            Statement.objects.filter(pk__in=[mine.pk, theirs_.pk]).values_list("status", flat=True)
        ) == {S.APPROVED}


def test_a_cam_gets_404_for_a_statement_of_a_partner_not_assigned(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    hidden = ours.other_statement  # partner B: not assigned to the CAM
    assert cam.get(f"/admin/commissions/statement/{ours.statement.pk}/change/").status_code == 200
    assert cam.get(f"/admin/commissions/statement/{hidden.pk}/change/").status_code == 404
    for page in ("csv", "pdf"):
        url = f"/admin/commissions/statements/statement/{hidden.pk}/{page}/"
        assert cam.get(url).status_code == 404
    listing = cam.get("/admin/commissions/statement/").content.decode()
    assert ours.statement.reference in listing
    assert hidden.reference not in listing


def test_the_statement_page_shows_its_lines_a_screen_at_a_time(ours, host_client, monkeypatch):
    from commissions.services import statements as service

    monkeypatch.setattr(service, "LINES_PER_PAGE", 2)
    monkeypatch.setattr(service.lines_page, "__defaults__", (2,))
    period = two_months_ago(ours.tenant)
    with scope(tenant=ours.tenant):
        lines = [
            line_row(ours.partner, str(10 + i), earned_on=period.end - timedelta(days=i))
            for i in range(5)
        ]
        period_close(actor=ours.members[Role.PARTNER_OPS], period=period)
        statement = Statement.objects.get(partner=ours.partner, period_start=period.start)
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/commissions/statement/{statement.pk}/change/"
    first = ops.get(url).content.decode()
    assert "10.00" in first
    assert "11.00" in first
    assert "12.00" not in first
    cursor = f"{lines[1].earned_on.isoformat()}.{lines[1].pk}"
    assert f"after={cursor}" in first
    second = ops.get(f"{url}?after={cursor}").content.decode()
    assert "12.00" in second
    assert "10.00" not in second
    assert ops.get(f"{url}?after=nonsense.x").status_code == 200


def test_the_statement_csv_lists_lines_then_totals_per_currency(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    body = b"".join(
        ops.get(
            f"/admin/commissions/statements/statement/{ours.statement.pk}/csv/"
        ).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "statement",
        "earned_on",
        "source",
        "deal",
        "description",
        "amount",
        "currency",
    ]
    assert rows[1][0] == ours.statement.reference
    assert Decimal(rows[1][5]) == Decimal("1200.00")
    assert [r[4] for r in rows[-3:]] == ["Opening balance", "Lines", "Closing balance"]


def test_the_close_page_previews_then_closes_in_a_background_job(
    ours, host_client, django_capture_on_commit_callbacks
):
    period = two_months_ago(ours.tenant)
    with scope(tenant=ours.tenant):
        line_row(ours.partner, "100", earned_on=period.end)
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = ops.get(f"/admin/commissions/statements/close/?period={period.start.isoformat()}")
    assert page.status_code == 200
    assert b'id="preview-lines"' in page.content
    assert ops.get("/admin/commissions/statements/close/?period=garbage").status_code == 200
    current = month_of(tenant_today(ours.tenant)).start.isoformat()
    refused = ops.post("/admin/commissions/statements/close/", {"period": current})
    assert refused.status_code == 200  # not a choice: only ended periods are offered
    with django_capture_on_commit_callbacks(execute=True):
        done = ops.post(
            "/admin/commissions/statements/close/", {"period": period.start.isoformat()}
        )
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        job = Job.objects.get(
            kind="commissions.close_period", params__start=period.start.isoformat()
        )
        assert done["Location"].endswith(f"/admin/jobs/{job.pk}/")
        assert (job.status, job.done, job.total) == (Job.Status.DONE, 1, 1)
        assert Statement.objects.filter(partner=ours.partner, period_start=period.start).exists()
    page = ops.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert f"?period={period.start.isoformat()}" in page  # the way back to the drafts
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/commissions/statements/close/").status_code == 403


def test_the_todo_cards_count_drafts_and_statements_to_pay(in_ours, ops):
    draft_of(in_ours)
    card = statements_todo(ops)
    assert card.lines[0].count >= 1
    pay = payouts_todo(ops)
    assert pay.lines[0].count >= 2  # A's and B's approved statements of last month
    assert pay.lines[1].count >= 1  # A's is in a payout batch


def test_the_empty_list_says_what_to_do(theirs, host_client):
    ops = host_client(theirs.host, theirs.members[Role.PARTNER_OPS])
    with scope(tenant=theirs.tenant):
        Statement.objects.filter(tenant=theirs.tenant).update(status=S.DRAFT)
    html = ops.get("/admin/commissions/statement/?status=paid").content.decode()
    assert 'id="empty-filtered"' in html


def test_line_states_follow_the_statement(in_ours, ops):
    draft = draft_of(in_ours)
    assert set(draft.lines.values_list("state", flat=True)) == {Line.State.STATEMENT}
