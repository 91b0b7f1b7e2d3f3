"""The partner's side of a request: draft, change, submit, withdraw (`mdf.services.requests`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mdf.models import Allocation, FundQuestion, MdfRequest, MdfSettings
from mdf.services.requests import (
    RequestInput,
    question_field,
    request_save,
    request_submit,
    request_withdraw,
    tenant_today,
)
from mdf.tests.factories import allocation_row, fund_row, request_row
from mdf.workflow import REQUESTS
from prm.audit.models import AuditEvent
from prm.sla import add_business_hours
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

pytestmark = pytest.mark.django_db
S = MdfRequest.Status


def complete(fund, **overrides) -> RequestInput:
    starts = fund.starts_on + timedelta(days=5)
    values = {
        "activity_type": MdfRequest.Activity.WEBINAR,
        "title": "Cloud webinar series",
        "description": "Three webinars on migrating to the cloud.",
        "audience": "IT directors in retail",
        "activities": "Webinar platform, LinkedIn ads, two mailings",
        "starts_on": starts,
        "ends_on": starts + timedelta(days=20),
        "expected_leads": 50,
        "expected_pipeline": Decimal("200000"),
        "amount": Decimal("4000"),
        **overrides,
    }
    return RequestInput(**values)


def answers_for(fund, value="Cloud suite"):
    return {q.pk: value for q in fund.questions.all()}


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_a_rep_saves_an_incomplete_draft_with_the_next_number(in_ours, rep):
    fund = in_ours.fund
    draft = request_save(
        actor=rep, fund=fund, data=RequestInput(activity_type="event", title="Idea"), answers={}
    )
    assert draft.status == S.DRAFT
    assert draft.owner == rep
    assert draft.partner == in_ours.partner
    assert draft.allocation == in_ours.allocation
    assert draft.currency == fund.currency
    assert draft.number == in_ours.mdf_request.number + 5  # the world filed 5 before it
    assert AuditEvent.objects.filter(action="mdf.request.created", object_id=str(draft.pk)).exists()


def test_a_draft_needs_a_title_and_sensible_answers(in_ours, rep):
    fund = in_ours.fund
    number = FundQuestion.objects.create(
        tenant=fund.tenant, fund=fund, label="Seats", kind="number", required=False
    )
    choice = FundQuestion.objects.create(
        tenant=fund.tenant, fund=fund, label="Region", kind="choice", choices=["EU", "US"]
    )
    before = MdfRequest.objects.count()
    with pytest.raises(ValidationError) as exc:
        request_save(
            actor=rep,
            fund=fund,
            data=RequestInput(activity_type="event", title=" ", amount=Decimal("-1")),
            answers={number.pk: "many", choice.pk: "Mars"},
        )
    errors = errors_of(exc)
    assert set(errors) == {"title", "amount", question_field(number), question_field(choice)}
    assert MdfRequest.objects.count() == before


def test_submitting_validates_a_draft_like_a_new_submission(in_ours, rep):
    fund = in_ours.fund
    draft = request_save(
        actor=rep, fund=fund, data=RequestInput(activity_type="event", title="Idea"), answers={}
    )
    with pytest.raises(ValidationError) as exc:
        request_submit(actor=rep, request=draft)
    errors = errors_of(exc)
    for name in ("description", "audience", "activities", "starts_on", "amount"):
        assert name in errors
    assert question_field(in_ours.fund_question) in errors
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.submitted_at is None


def test_submit_starts_the_decision_clock_and_tells_the_cams(in_ours, rep):
    fund = in_ours.fund
    saved = request_save(
        actor=rep, fund=fund, data=complete(fund), answers=answers_for(fund), submit=True
    )
    assert saved.status == S.SUBMITTED
    hours = MdfSettings.objects.get(tenant=fund.tenant).sla_hours
    expected = add_business_hours(saved.submitted_at, hours, fund.tenant.time_zone)
    assert saved.sla_due_at == expected
    assert saved.answers.get().value == "Cloud suite"
    event = AuditEvent.objects.filter(action="mdf.request.submitted", object_id=str(saved.pk)).get()
    assert event.before["status"] == S.DRAFT
    assert event.after["status"] == S.SUBMITTED


def test_the_co_funding_says_who_and_what_share(in_ours, rep):
    fund = in_ours.fund
    with pytest.raises(ValidationError) as exc:
        request_save(
            actor=rep,
            fund=fund,
            data=complete(fund, cofunded=True),
            answers=answers_for(fund),
            submit=True,
        )
    assert {"cofunders", "cofunded_share"} <= set(errors_of(exc))
    saved = request_save(
        actor=rep,
        fund=fund,
        data=complete(fund, cofunded=True, cofunders="Globex", cofunded_share=Decimal("30")),
        answers=answers_for(fund),
        submit=True,
    )
    assert saved.cofunders == "Globex"
    assert saved.cofunded_share == Decimal("30")


def test_not_co_funded_drops_what_was_said_about_it(in_ours, rep):
    fund = in_ours.fund
    saved = request_save(
        actor=rep,
        fund=fund,
        data=complete(fund, cofunded=False, cofunders="Globex", cofunded_share=Decimal("30")),
        answers={},
    )
    assert saved.cofunders == ""
    assert saved.cofunded_share is None


def test_dates_in_order_and_within_the_funds_period(in_ours, rep):
    fund = in_ours.fund
    day = fund.starts_on + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        request_save(
            actor=rep,
            fund=fund,
            data=complete(fund, starts_on=day, ends_on=day - timedelta(days=1)),
            answers=answers_for(fund),
            submit=True,
        )
    assert "ends_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        request_save(
            actor=rep,
            fund=fund,
            data=complete(fund, ends_on=fund.ends_on + timedelta(days=1)),
            answers=answers_for(fund),
            submit=True,
        )
    assert "within the fund's period" in errors_of(exc)["starts_on"][0]


def test_the_amount_is_at_most_what_the_allocation_has_available(in_ours, rep):
    fund = in_ours.fund
    available = Allocation.objects.get(pk=in_ours.allocation.pk).available
    with pytest.raises(ValidationError) as exc:
        request_save(
            actor=rep,
            fund=fund,
            data=complete(fund, amount=available + Decimal("0.01")),
            answers=answers_for(fund),
            submit=True,
        )
    assert "available in this fund" in errors_of(exc)["amount"][0]
    saved = request_save(
        actor=rep, fund=fund, data=complete(fund, amount=available), answers=answers_for(fund),
        submit=True,
    )  # fmt: skip
    assert saved.status == S.SUBMITTED


def test_required_fund_questions_must_be_answered_optional_ones_need_not(in_ours, rep):
    fund = in_ours.fund
    FundQuestion.objects.create(tenant=fund.tenant, fund=fund, label="Notes", required=False)
    with pytest.raises(ValidationError) as exc:
        request_save(actor=rep, fund=fund, data=complete(fund), answers={}, submit=True)
    assert list(errors_of(exc)) == [question_field(in_ours.fund_question)]


def test_a_closed_window_refuses_and_an_early_one_too_unless_collected_ahead(in_ours, rep):
    tenant = in_ours.tenant
    today = tenant_today(tenant)
    closed = fund_row(tenant, "Closed", opens_on=today - timedelta(days=20),
                      closes_on=today - timedelta(days=1))  # fmt: skip
    allocation_row(closed, in_ours.partner)
    with pytest.raises(ValidationError) as exc:
        request_save(actor=rep, fund=closed, data=complete(closed),
                     answers=answers_for(closed), submit=True)  # fmt: skip
    assert "closed on" in errors_of(exc)["__all__"][0]

    starts = today + timedelta(days=40)
    early = {
        "starts_on": starts,
        "ends_on": starts + timedelta(days=80),
        "opens_on": starts,
        "closes_on": starts + timedelta(days=30),
    }
    later = fund_row(tenant, "Later", **early)
    allocation_row(later, in_ours.partner)
    with pytest.raises(ValidationError) as exc:
        request_save(actor=rep, fund=later, data=complete(later),
                     answers=answers_for(later), submit=True)  # fmt: skip
    assert "open on" in errors_of(exc)["__all__"][0]

    ahead = fund_row(tenant, "Ahead", collect_ahead=True, **early)
    allocation_row(ahead, in_ours.partner)
    saved = request_save(actor=rep, fund=ahead, data=complete(ahead),
                         answers=answers_for(ahead), submit=True)  # fmt: skip
    assert saved.status == S.SUBMITTED
    # Collected ahead: the clock starts on the period's first morning, not now.
    hours = MdfSettings.objects.get(tenant=tenant).sla_hours
    assert saved.sla_due_at > timezone.now() + timedelta(days=39)
    assert saved.sla_due_at <= add_business_hours(
        saved.submitted_at + timedelta(days=41), hours, tenant.time_zone
    )


def test_a_company_without_an_allocation_is_told_so(in_ours, rep):
    bare = fund_row(in_ours.tenant, "Bare")
    with pytest.raises(ValidationError) as exc:
        request_save(actor=rep, fund=bare, data=complete(bare), answers={})
    assert "no allocation" in exc.value.messages[0]


def test_only_the_companys_users_who_may_request(in_ours, rep):
    fund = in_ours.fund
    with pytest.raises(PermissionDenied):
        request_save(actor=in_ours.members[Role.CAM], fund=fund, data=complete(fund), answers={})
    MdfSettings.objects.filter(tenant=in_ours.tenant).update(reps_may_request=False)
    with pytest.raises(PermissionDenied):
        request_save(actor=rep, fund=fund, data=complete(fund), answers={})


def test_a_rep_cannot_change_another_partners_request(in_ours, rep):
    other = in_ours.other_mdf_request
    MdfRequest.objects.filter(pk=other.pk).update(status=S.DRAFT)
    other.refresh_from_db()
    with pytest.raises(PermissionDenied):
        request_save(actor=rep, fund=other.fund, data=complete(other.fund), answers={},
                     request=other)  # fmt: skip
    with pytest.raises(PermissionDenied):
        request_withdraw(actor=rep, request=other)


def test_a_partner_admin_works_a_reps_request_and_a_teammate_cannot(in_ours, rep):
    from prm.tenancy.tests.factories import partner_membership

    draft = request_row(in_ours.allocation, rep, status=S.DRAFT)
    admin = in_ours.members[Role.PARTNER_ADMIN]
    changed = request_save(actor=admin, fund=draft.fund, data=complete(draft.fund, title="New"),
                           answers={}, request=draft)  # fmt: skip
    assert changed.title == "New"
    teammate = partner_membership(in_ours.partner, Role.PARTNER_REP)
    with pytest.raises(PermissionDenied):
        request_withdraw(actor=teammate, request=draft)


def test_a_request_sent_back_is_changed_and_resubmitted(in_ours, rep):
    fund = in_ours.fund
    sent_back = request_row(in_ours.allocation, rep, status=S.INFO_REQUESTED)
    saved = request_save(actor=rep, fund=fund, data=complete(fund, description="At the venue"),
                         answers=answers_for(fund), request=sent_back, submit=True)  # fmt: skip
    assert saved.status == S.SUBMITTED
    assert saved.description == "At the venue"
    assert AuditEvent.objects.filter(action="mdf.request.changed", object_id=str(saved.pk)).exists()


def test_a_rejected_request_is_fixed_and_submitted_again(in_ours, rep):
    fund = in_ours.fund
    rejected = request_row(in_ours.allocation, rep, status=S.REJECTED)
    saved = request_save(actor=rep, fund=fund, data=complete(fund), answers=answers_for(fund),
                         request=rejected, submit=True)  # fmt: skip
    assert saved.status == S.SUBMITTED


@pytest.mark.parametrize("status", list(S.values))
def test_every_status_allows_exactly_the_partners_actions_of_the_table(in_ours, rep, status):
    fund = in_ours.fund
    row = request_row(in_ours.allocation, rep, status=status)
    for action, call in (
        ("edit", lambda r: request_save(actor=rep, fund=fund, data=complete(fund, title="X"),
                                        answers=answers_for(fund), request=r)),
        ("submit", lambda r: request_submit(actor=rep, request=r)),
        ("withdraw", lambda r: request_withdraw(actor=rep, request=r, reason="No budget")),
    ):  # fmt: skip
        fresh = MdfRequest.objects.get(pk=row.pk)
        if REQUESTS.allowed(fresh, action):
            continue  # the allowed ones are the other tests' subject
        audits = AuditEvent.objects.count()
        with pytest.raises(TransitionError) as exc:
            call(fresh)
        label = fresh.get_status_display().lower()
        assert exc.value.messages == [
            f"A request that is {label} cannot be {REQUESTS.actions[action].verb}."
        ]
        after = MdfRequest.objects.get(pk=row.pk)
        assert (after.status, after.title, after.updated_at) == (
            fresh.status,
            fresh.title,
            fresh.updated_at,
        )
        assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.REJECTED])
def test_withdraw_is_final_with_its_reason(in_ours, rep, status):
    row = request_row(in_ours.allocation, rep, status=status)
    done = request_withdraw(actor=rep, request=row, reason="Event cancelled")
    assert done.status == S.WITHDRAWN
    event = AuditEvent.objects.filter(action="mdf.request.withdrawn", object_id=str(row.pk)).get()
    assert event.reason == "Event cancelled"
