"""Funds in the admin UI: the form with its questions, the period from one helper, the checks
beside their fields, the list's balances and window, and who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from mdf.models import Fund, FundQuestion
from mdf.services.funds import fund_period, period_label, window_of
from prm.audit.models import AuditEvent
from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

ADD = "/admin/mdf/fund/add/"


def fund_data(questions=(), **overrides):
    data = {
        "name": "Q3 2027 co-marketing",
        "description": "Events and digital campaigns.",
        "period": "quarter",
        "starts_on": "2027-07-01",
        "currency": "USD",
        "budget": "250000",
        "opens_on": "2027-06-01",
        "closes_on": "2027-08-31",
        "claim_days": "30",
        "reimbursement_cap": "100",
        "second_approval_above": "",
        "form_token": new_token(),
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(questions):
        base = {"position": str(i + 1), "help_text": "", "kind": "text", "choices": "",
                "required": "on"}  # fmt: skip
        data.update({f"questions-{i}-{k}": v for k, v in {**base, **question}.items()})
    data.update(overrides)
    return data


@pytest.fixture
def ops(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def test_ops_create_a_quarter_fund_with_its_questions_and_it_is_audited(ours, ops):
    questions = [
        {"label": "Who is the target audience?"},
        {"label": "Anticipated ROI (x)", "kind": "number", "required": ""},
        {"label": "Co-funded?", "kind": "choice", "choices": "Yes\r\nNo\r\n\r\nYes"},
    ]
    response = ops.post(ADD, fund_data(questions))
    assert response.status_code == 302, _errors(response)
    with scope(tenant=ours.tenant):
        fund = Fund.objects.get(name="Q3 2027 co-marketing")
        found = list(FundQuestion.objects.filter(fund=fund).order_by("position"))
        audited = AuditEvent.objects.filter(action="mdf.fund.created", object_id=str(fund.pk))
        assert audited.exists()
    assert (fund.starts_on, fund.ends_on) == (date(2027, 7, 1), date(2027, 9, 30))
    assert [q.kind for q in found] == ["text", "number", "choice"]
    assert found[1].required is False
    assert found[2].choices == ["Yes", "No"]


def test_a_year_fund_ends_on_the_last_day_of_the_year(ours, ops):
    data = fund_data(period="year", starts_on="2028-01-01", opens_on="2027-12-01",
                     closes_on="2028-11-30")  # fmt: skip
    assert ops.post(ADD, data).status_code == 302
    with scope(tenant=ours.tenant):
        fund = Fund.objects.get(name="Q3 2027 co-marketing")
    assert fund.ends_on == date(2028, 12, 31)
    assert period_label(fund) == "2028"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_on": "2027-08-15"}, "starts_on", "starts on Jul 1, 2027"),
        ({"closes_on": "2027-05-01"}, "closes_on", "closes before it opens"),
        ({"closes_on": "2027-10-15"}, "closes_on", "ends on Sep 30, 2027"),
        ({"collect_ahead": "on", "opens_on": "2027-07-01"}, "opens_on", "opens before the period"),
        ({"second_approval_above": "0"}, "second_approval_above", "greater than or equal to 0.01"),
        ({"budget": "0"}, "budget", "greater than or equal to 0.01"),
    ],
)
def test_a_fund_that_does_not_hold_together_is_refused_beside_the_field(
    ours, ops, overrides, field, message
):
    response = ops.post(ADD, fund_data(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    with scope(tenant=ours.tenant):
        assert not Fund.objects.filter(name="Q3 2027 co-marketing").exists()


def test_the_budget_cannot_go_below_what_is_allocated(ours, ops):
    fund = ours.fund
    url = f"/admin/mdf/fund/{fund.pk}/change/"
    data = fund_data(
        name=fund.name,
        starts_on=fund.starts_on.isoformat(),
        opens_on=fund.opens_on.isoformat(),
        closes_on=fund.closes_on.isoformat(),
        currency=fund.currency,
        budget="39999.99",  # both allocations hold 20,000
    )
    data.update(_question_management(fund))
    response = ops.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "€40,000.00 is already allocated" in errors["budget"][0]
    with scope(tenant=ours.tenant):
        fund.refresh_from_db()
    assert fund.budget == Decimal("100000.00")


def _question_management(fund):
    with scope(tenant=fund.tenant):
        questions = list(fund.questions.all())
    data = {
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
    }
    for i, q in enumerate(questions):
        data.update({
            f"questions-{i}-id": str(q.pk), f"questions-{i}-fund": str(fund.pk),
            f"questions-{i}-position": str(q.position), f"questions-{i}-label": q.label,
            f"questions-{i}-kind": q.kind, f"questions-{i}-required": "on",
        })  # fmt: skip
    return data


def test_a_question_partners_answered_cannot_be_deleted(ours, ops):
    fund = ours.fund
    url = f"/admin/mdf/fund/{fund.pk}/change/"
    data = fund_data(
        name=fund.name,
        starts_on=fund.starts_on.isoformat(),
        opens_on=fund.opens_on.isoformat(),
        closes_on=fund.closes_on.isoformat(),
        currency=fund.currency,
    )
    data.update(_question_management(fund))
    data["questions-0-DELETE"] = "on"
    response = ops.post(url, data)
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert FundQuestion.objects.filter(pk=ours.fund_question.pk).exists()


def test_a_choice_needs_two_options_and_only_a_choice_has_options(ours, ops):
    questions = [
        {"label": "Pick one", "kind": "choice", "choices": "Only"},
        {"label": "Free text", "kind": "text", "choices": "A\nB"},
    ]
    response = ops.post(ADD, fund_data(questions))
    assert response.status_code == 200
    body = response.content.decode()
    assert "two options at least" in body
    assert "Only a choice question has options" in body


def test_the_list_shows_each_funds_money_and_window(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/mdf/fund/")
    assert response.status_code == 200
    body = response.content.decode()
    row = body[body.index(ours.fund.name) :]
    # world: 2 x 20,000 allocated; 2 x 5,000 committed by funded requests; 2,000 claimed
    assert "€100,000.00" in row
    assert "€40,000.00" in row
    assert "€10,000.00" in row
    assert "€2,000.00" in row
    assert "open until" in row


def test_a_search_without_a_fund_says_so_and_how_to_see_all(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/mdf/fund/?q=nothing-matches")
    assert "No fund matches" in response.content.decode()


def test_a_cam_sees_funds_but_may_not_add_one(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/mdf/fund/").status_code == 200
    assert client.get(ADD).status_code == 403


def test_the_period_helper_refuses_a_day_that_starts_no_quarter():
    assert fund_period("quarter", date(2027, 4, 1)).end == date(2027, 6, 30)
    with pytest.raises(Exception, match="starts on Apr 1, 2027"):
        fund_period("quarter", date(2027, 5, 2))


def test_the_window_reads_open_upcoming_or_closed(in_ours):
    fund = in_ours.fund
    assert window_of(fund, fund.opens_on).state == "open"
    assert window_of(fund, fund.closes_on).state == "open"
    before = window_of(fund, fund.opens_on.replace(year=fund.opens_on.year - 1))
    assert before.state == "upcoming"
    assert before.text.startswith("opens on")
    assert window_of(fund, fund.closes_on.replace(year=fund.closes_on.year + 1)).state == "closed"


def _errors(response):
    context = response.context
    if context is None or "adminform" not in context:
        return response.status_code
    formsets = [
        (f.formset.errors, f.formset.non_form_errors())
        for f in context.get("inline_admin_formsets", [])
    ]
    return context["adminform"].form.errors, formsets
