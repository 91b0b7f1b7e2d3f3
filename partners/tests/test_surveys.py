"""PSAT surveys: triggers, the fatigue rule, the signed link, answering, anonymity and results.

The concurrent cases (two triggers at once, two submissions at once) are in
`test_surveys_concurrency.py`; the query budgets in `test_survey_budgets.py`.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core import signing
from django.utils import timezone
from django_scopes import scope

from deals import services as deals
from partners.models import Partner, Survey, SurveyAnswer, SurveyRequest
from partners.selectors import partner_settings_for
from partners.surveys import triggers
from partners.surveys.selectors import MIN_ANONYMOUS_ANSWERS, survey_results
from partners.surveys.services import quarterly_ask, survey_ask
from partners.surveys.tokens import TOKEN_SALT, request_from_token, survey_token
from prm.notifications.events import _HANDLERS, _TYPES, declare, emit
from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.html_forms import form_values

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=400)


def _forget_asked(world):
    """The world's open requests were asked now: move them out of the fatigue window."""
    SurveyRequest.objects.filter(tenant=world.tenant).update(asked_at=LONG_AGO)


def _requests_of(world, member, **filters):
    return SurveyRequest.objects.filter(tenant=world.tenant, membership=member, **filters)


def _anonymous(world, **fields):
    return Survey.objects.create(
        tenant=world.tenant,
        name="Quarterly",
        trigger=triggers.QUARTERLY,
        is_anonymous=True,
        question_1="What should we improve?",
        comment_prompt="Anything else?",
        **fields,
    )


# -- Triggers ------------------------------------------------------------------------------------


def test_every_app_registers_its_survey_trigger_on_its_own_events():
    assert triggers.get("deals.decision").events == ("deals.deal.approved", "deals.deal.rejected")
    assert triggers.get("mdf.claim_paid").events == ("mdf.claim.paid",)
    assert triggers.get("partners.onboarding_completed").events == (
        "partners.onboarding.completed",
    )
    assert triggers.get(triggers.QUARTERLY).events == ()


def test_a_deal_decision_asks_its_owner_in_the_portal_and_by_email_with_the_signed_link(ours):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        deals.deal_approve(actor=ours.members[Role.CAM], deal=ours.deal)
        asked = _requests_of(ours, rep, asked_at__gt=LONG_AGO).get()
        assert asked.survey == ours.survey
        assert asked.occasion == f"deals.deal.approved:{ours.deal.pk}"
        notification = Notification.objects.get(
            tenant=ours.tenant, recipient=rep.user, event="partners.survey.requested"
        )
        email = EmailOutbox.objects.get(
            tenant=ours.tenant, recipient=rep.user, subject__contains="two minutes"
        )
        # nobody else of the partner was asked
        admin = ours.members[Role.PARTNER_ADMIN]
        assert not _requests_of(ours, admin, asked_at__gt=LONG_AGO).exists()
    prefix = "/surveys/answer/"
    assert notification.link.startswith(prefix)
    token = notification.link.removeprefix(prefix).rstrip("/")
    with scope(tenant=ours.tenant):
        assert request_from_token(token, tenant=ours.tenant) == asked
    assert notification.link in email.body_text


def test_an_mdf_claim_paid_asks_who_filed_it_and_onboarding_completed_the_partners_admins(ours):
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        for trigger in ("mdf.claim_paid", "partners.onboarding_completed"):
            Survey.objects.create(tenant=ours.tenant, name=trigger, trigger=trigger)
        emit("mdf.claim.paid", tenant=ours.tenant, subject=ours.claim)
        filer = ours.claim.owner
        assert _requests_of(ours, filer, survey__trigger="mdf.claim_paid").count() == 1
        emit("partners.onboarding.completed", tenant=ours.tenant, subject=ours.partner)
        completed = SurveyRequest.objects.filter(
            tenant=ours.tenant, survey__trigger="partners.onboarding_completed"
        )
        assert {r.membership_id for r in completed} == {ours.members[Role.PARTNER_ADMIN].pk}


def test_a_trigger_may_name_an_event_that_a_later_app_declares(ours):
    """Reporting registers "after a QBR is held" on an event it declares itself: the trigger
    lies dormant until the event exists and is emitted (here a QBR-like subject with a
    partner)."""
    name = "tests.qbr.finalised"
    triggers.register(
        triggers.SurveyTrigger(
            "tests.qbr_held", "After a QBR", name, members=lambda e: [e.subject.partner_admin]
        )
    )
    try:
        declare(name, "A test QBR was finalised.")

        class Qbr:
            pk = 1
            tenant_id = ours.tenant.pk
            partner_admin = ours.members[Role.PARTNER_ADMIN]

        with scope(tenant=ours.tenant):
            _forget_asked(ours)
            Survey.objects.create(tenant=ours.tenant, name="QBR", trigger="tests.qbr_held")
            emit(name, tenant=ours.tenant, subject=Qbr())  # type: ignore[arg-type]
            asked = SurveyRequest.objects.get(tenant=ours.tenant, survey__name="QBR")
        assert asked.membership == ours.members[Role.PARTNER_ADMIN]
    finally:
        _TYPES.pop(name, None)
        _HANDLERS.pop(name, None)
        triggers._TRIGGERS.pop("tests.qbr_held", None)


def test_an_inactive_survey_asks_nobody(ours):
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        Survey.objects.filter(pk=ours.survey.pk).update(is_active=False)
        deals.deal_approve(actor=ours.members[Role.CAM], deal=ours.deal)
        assert not SurveyRequest.objects.filter(asked_at__gt=LONG_AGO).exists()


# -- The fatigue rule ----------------------------------------------------------------------------


def test_a_partner_user_asked_within_the_tenants_days_is_not_asked_again(ours):
    rep = ours.members[Role.PARTNER_REP]
    now = timezone.now()
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        other = _anonymous(ours)
        assert survey_ask(survey=ours.survey, members=[rep], occasion="a", now=now)
        # another survey, another occasion, 29 days later: still within the 30 days
        later = now + timedelta(days=29)
        assert survey_ask(survey=other, members=[rep], occasion="b", now=later) == []
        assert survey_ask(survey=other, members=[rep], occasion="b", now=now + timedelta(days=31))
        settings = partner_settings_for(ours.tenant)
        settings.survey_interval_days = 90
        settings.save()
        assert (
            survey_ask(
                survey=ours.survey, members=[rep], occasion="c", now=now + timedelta(days=60)
            )
            == []
        )
        assert _requests_of(ours, rep, asked_at__gt=LONG_AGO).count() == 2


def test_the_same_occasion_asks_a_member_once_and_vendor_staff_never(ours):
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        settings = partner_settings_for(ours.tenant)
        settings.survey_interval_days = 1
        settings.save()
        first = survey_ask(survey=ours.survey, members=[rep, cam], occasion="x")
        again = survey_ask(
            survey=ours.survey, members=[rep], occasion="x", now=timezone.now() + timedelta(days=5)
        )
    assert [r.membership_id for r in first] == [rep.pk]
    assert again == []


def test_the_quarterly_survey_asks_every_active_partner_user_once_on_the_quarters_first_days(
    ours,
):
    with scope(tenant=ours.tenant):
        _forget_asked(ours)
        survey = _anonymous(ours)
        Partner.objects.filter(pk=ours.other_partner.pk).update(status=Partner.Status.INACTIVE)
        first_day = date(2026, 4, 1)  # a fiscal quarter's first day (fiscal year from January)
        assert quarterly_ask(tenant=ours.tenant, today=first_day + timedelta(days=7)) == 0
        asked = quarterly_ask(tenant=ours.tenant, today=first_day)
        assert quarterly_ask(tenant=ours.tenant, today=first_day + timedelta(days=1)) == 0
        requests = SurveyRequest.objects.filter(tenant=ours.tenant, survey=survey)
        assert asked == 2
        assert {r.membership_id for r in requests} == {
            ours.members[Role.PARTNER_ADMIN].pk,
            ours.members[Role.PARTNER_REP].pk,
        }
        assert {r.occasion for r in requests} == {"quarter:2026-04-01"}


# -- The signed link -----------------------------------------------------------------------------


def _link(survey_request):
    return f"/surveys/answer/{survey_token(survey_request)}/"


def test_the_link_opens_the_form_without_signing_in_and_a_get_records_nothing(ours, host_client):
    rep_request = ours.survey_requests[ours.members[Role.PARTNER_REP].user_id]
    anonymous = host_client(ours.host)
    page = anonymous.get(_link(rep_request) + "?score=9")
    assert page.status_code == 200
    html = page.content.decode()
    assert ours.survey.score_text(ours.tenant) in html
    assert 'value="9" checked' in html
    with scope(tenant=ours.tenant):
        assert SurveyRequest.objects.get(pk=rep_request.pk).answered_on is None
        assert not SurveyAnswer.objects.filter(request=rep_request).exists()


def test_the_link_answers_its_one_request_once(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    rep_request = ours.survey_requests[rep.user_id]
    anonymous = host_client(ours.host)
    data = {"score": "9", "answer_1": "Faster payments", "comment": "Great team"}
    done = anonymous.post(_link(rep_request), data)
    assert done.status_code == 200
    assert "your answer is recorded" in done.content.decode()
    again = anonymous.post(_link(rep_request), {**data, "score": "1"})
    assert "already answered" in again.content.decode()
    with scope(tenant=ours.tenant):
        answer = SurveyAnswer.objects.get(request=rep_request)
        assert (answer.score, answer.membership, answer.answer_1) == (9, rep, "Faster payments")
        # the admin's request of the same survey is still open
        admin_request = ours.survey_requests[ours.members[Role.PARTNER_ADMIN].user_id]
        assert SurveyRequest.objects.get(pk=admin_request.pk).answered_on is None
    assert "already answered" in anonymous.get(_link(rep_request)).content.decode()


def test_an_altered_or_foreign_link_answers_404(ours, theirs, host_client):
    rep_request = ours.survey_requests[ours.members[Role.PARTNER_REP].user_id]
    theirs_request = theirs.survey_requests[theirs.members[Role.PARTNER_REP].user_id]
    client = host_client(ours.host)
    token = survey_token(rep_request)
    forged = signing.dumps({"r": rep_request.pk, "n": "0" * 32}, salt=TOKEN_SALT)
    other_request = signing.dumps(
        {"r": ours.other_survey_request.pk, "n": rep_request.nonce}, salt=TOKEN_SALT
    )
    for bad in (token[:-2] + "xx", forged, other_request, survey_token(theirs_request)):
        assert client.post(f"/surveys/answer/{bad}/", {"score": "3"}).status_code == 404
    # their link on their host works: it was the host that refused it
    assert host_client(theirs.host).get(_link(theirs_request)).status_code == 200


# -- Answering in the portal ---------------------------------------------------------------------


def test_a_partner_user_answers_their_own_survey_in_the_portal_and_not_a_colleagues(
    ours, host_client
):
    admin, rep = ours.members[Role.PARTNER_ADMIN], ours.members[Role.PARTNER_REP]
    client = host_client(ours.host, admin)
    home = client.get("/").content.decode()
    assert "1 survey waiting" in home
    listing = client.get("/surveys/").content.decode()
    mine = ours.survey_requests[admin.user_id]
    assert f"/surveys/{mine.pk}/" in listing
    colleague = ours.survey_requests[rep.user_id]
    assert client.get(f"/surveys/{colleague.pk}/").status_code == 404
    assert client.post(f"/surveys/{colleague.pk}/", {"score": "2"}).status_code == 404
    response = client.post(f"/surveys/{mine.pk}/", {"score": "10"})
    assert response.status_code == 302
    assert response["Location"] == "/surveys/"
    assert "survey waiting" not in client.get("/").content.decode()
    with scope(tenant=ours.tenant):
        assert SurveyAnswer.objects.filter(request=mine, score=10).count() == 1
        assert SurveyRequest.objects.get(pk=colleague.pk).answered_on is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "score", "Choose a score from 0 to 10."),
        ({"score": "11"}, "score", "Select a valid choice"),
        ({"score": "ten"}, "score", "Select a valid choice"),
        ({"score": "5", "answer_1": "x" * 2001}, "answer_1", "at most 2000 characters"),
        ({"score": "5", "comment": "x" * 4001}, "comment", "at most 4000 characters"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_records_nothing(
    ours, host_client, data, field, message
):
    admin = ours.members[Role.PARTNER_ADMIN]
    mine = ours.survey_requests[admin.user_id]
    response = host_client(ours.host, admin).post(f"/surveys/{mine.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    with scope(tenant=ours.tenant):
        assert SurveyRequest.objects.get(pk=mine.pk).answered_on is None
        assert not SurveyAnswer.objects.filter(request=mine).exists()


# -- Anonymity -----------------------------------------------------------------------------------


def _answer_anonymously(world, client_of, member, score, comment="", partner_user=None):
    """Ask `member` the anonymous survey and answer it through the link."""
    with scope(tenant=world.tenant):
        survey = Survey.objects.get(tenant=world.tenant, trigger=triggers.QUARTERLY)
        _forget_asked(world)
        (asked,) = survey_ask(survey=survey, members=[member], occasion=f"q{member.pk}")
    client_of(world.host).post(_link(asked), {"score": str(score), "comment": comment})
    return asked


def test_an_anonymous_answer_keeps_no_user_no_request_and_only_the_day(ours, host_client):
    with scope(tenant=ours.tenant):
        _anonymous(ours)
    rep = ours.members[Role.PARTNER_REP]
    asked = _answer_anonymously(ours, host_client, rep, 7, "Honest words")
    with scope(tenant=ours.tenant):
        answer = SurveyAnswer.objects.get(comment="Honest words")
        assert answer.membership_id is None
        assert answer.request_id is None
        assert answer.answered_on == timezone.localdate()
        assert SurveyRequest.objects.get(pk=asked.pk).answered_on == timezone.localdate()
        assert not hasattr(answer, "answered_at")
        assert not hasattr(answer, "created_at")
        from prm.audit.models import AuditEvent

        assert not AuditEvent.objects.filter(action="partners.survey.answered").exists()


def test_an_anonymous_surveys_partner_appears_only_from_five_answers_and_never_its_users(
    ours, host_client
):
    with scope(tenant=ours.tenant):
        survey = _anonymous(ours)
    users = []
    for _n in range(MIN_ANONYMOUS_ANSWERS):
        with scope(tenant=ours.tenant):
            users.append(partner_membership(ours.partner, Role.PARTNER_REP))
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    results_url = f"/admin/partners/surveys/{survey.pk}/results/"
    csv_url = f"/admin/partners/surveys/{survey.pk}/answers.csv"
    for n, user in enumerate(users[:4]):
        _answer_anonymously(ours, host_client, user, 6 + n % 3, f"comment {n}")
    page = leader.get(results_url)
    html = page.content.decode()
    assert page.context["results"].answers == 4
    assert not page.context["results"].shown
    assert ours.partner.name not in html
    assert "comment 0" not in html
    assert "shown from 5 answers" in html
    rows = list(csv.reader(io.StringIO(b"".join(leader.get(csv_url).streaming_content).decode())))
    assert len(rows) == 1  # the header only
    with scope(tenant=ours.tenant):
        psat = survey_results(ours.members[Role.PROGRAM_LEADER], survey)
        assert psat.partners == []
        assert psat.average is None

    _answer_anonymously(ours, host_client, users[4], 9, "comment 4")
    page = leader.get(results_url)
    html = page.content.decode()
    results = page.context["results"]
    assert (results.answers, results.shown, str(results.average)) == (5, True, "7.2")
    assert [(p.name, p.answers) for p in results.partners] == [(ours.partner.name, 5)]
    assert "comment 4" in html
    assert ours.partner.name in html
    text = b"".join(leader.get(csv_url).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 6
    assert rows[1][1] == ours.partner.name
    assert "Partner user" not in rows[0]
    for user in users:
        assert user.user.email not in html
        assert user.user.email not in text
        assert (user.user.full_name or user.user.email) not in text


def test_a_partner_below_five_answers_stays_unnamed_beside_its_answers(ours, host_client):
    """Five answers in the scope show the figures, but partner B's two answers are listed
    without its name, and it has no row of its own."""
    with scope(tenant=ours.tenant):
        survey = _anonymous(ours)
        members = [partner_membership(ours.partner, Role.PARTNER_REP) for _ in range(3)]
        members += [partner_membership(ours.other_partner, Role.PARTNER_REP) for _ in range(2)]
    for n, member in enumerate(members):
        _answer_anonymously(ours, host_client, member, 8, f"words {n}")
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get(f"/admin/partners/surveys/{survey.pk}/results/")
    results = page.context["results"]
    assert results.shown
    assert results.partners == []
    assert results.partners_below == 2
    html = page.content.decode()
    assert "words 4" in html
    assert ours.other_partner.name not in html
    assert ours.partner.name not in html


def test_a_cam_sees_only_their_partners_answers_and_a_named_surveys_users(ours, host_client):
    """The world's named survey has an answer of partner A; B's answer is not the CAM's."""
    with scope(tenant=ours.tenant):
        SurveyAnswer.objects.create(
            tenant=ours.tenant, survey=ours.survey, partner=ours.other_partner,
            answered_on=timezone.localdate(), score=2, comment="B is unhappy",
            membership=ours.other_partner_rep,
        )  # fmt: skip
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(f"/admin/partners/surveys/{ours.survey.pk}/results/")
    html = page.content.decode()
    assert page.context["results"].answers == 1
    assert "B is unhappy" not in html
    assert ours.other_partner_rep.user.email not in html
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = leader.get(f"/admin/partners/surveys/{ours.survey.pk}/results/").content.decode()
    assert "B is unhappy" in html
    assert ours.other_partner_rep.user.email in html


# -- The admin UI --------------------------------------------------------------------------------


def test_partner_ops_add_a_survey_and_bad_input_is_refused_beside_the_field(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = "/admin/partners/survey/add/"
    data = form_values(ops.get(url).content.decode(), containing="name")
    data.update(name=["After decisions"], trigger=["not-a-trigger"])
    bad = ops.post(url, data)
    assert bad.status_code == 200
    assert "trigger" in bad.context["adminform"].form.errors
    data = form_values(bad.content.decode(), containing="name")
    data.update(trigger=["deals.decision"], name=[ours.survey.name])
    duplicate = ops.post(url, data)
    assert "name" in duplicate.context["adminform"].form.errors
    data = form_values(duplicate.content.decode(), containing="name")
    data.update(name=["After decisions"])
    assert ops.post(url, data).status_code == 302
    with scope(tenant=ours.tenant):
        assert Survey.objects.get(tenant=ours.tenant, name="After decisions").is_active
    # a CAM reads the list and the results, but may not add
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/partners/survey/").status_code == 200
    assert cam.get(url).status_code == 403


def test_an_empty_survey_list_and_results_say_what_to_do(ours, theirs, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    with scope(tenant=ours.tenant):
        survey = _anonymous(ours)
        Survey.objects.filter(tenant=ours.tenant).exclude(pk=survey.pk).update(is_active=False)
    html = ops.get(f"/admin/partners/surveys/{survey.pk}/results/").content.decode()
    assert "0 answers so far" in html
    with scope(tenant=ours.tenant):
        SurveyRequest.objects.filter(tenant=ours.tenant).delete()
        SurveyAnswer.objects.filter(tenant=ours.tenant).delete()
        Survey.objects.filter(tenant=ours.tenant).delete()
    html = ops.get("/admin/partners/survey/").content.decode()
    assert "No survey yet. Add one" in html


def test_the_fatigue_days_are_a_program_setting_from_1_to_365(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/partners/partnersettings/{ours.partner_settings.pk}/change/"
    data = form_values(ops.get(url).content.decode(), containing="survey_interval_days")
    for bad in ("0", "366", "soon"):
        response = ops.post(url, {**data, "survey_interval_days": [bad]})
        assert response.status_code == 200
        assert "survey_interval_days" in response.context["adminform"].form.errors
    assert ops.post(url, {**data, "survey_interval_days": ["14"]}).status_code == 302
    with scope(tenant=ours.tenant):
        assert partner_settings_for(ours.tenant).survey_interval_days == 14


def test_the_list_behind_the_psat_figure_gives_no_partners_sum_or_count_below_five(
    ours, host_client
):
    """The reporting page of each partner's figure shows a ratio's parts beside it: for PSAT
    they would give a partner's average away below the minimum, so they are left out there."""
    with scope(tenant=ours.tenant):
        SurveyAnswer.objects.filter(tenant=ours.tenant).delete()
        for score in (3, 4, 5):
            SurveyAnswer.objects.create(
                tenant=ours.tenant, survey=ours.survey, partner=ours.partner,
                answered_on=timezone.localdate(), score=score,
            )  # fmt: skip
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])

    def partner_row():
        response = leader.get("/admin/reporting/metrics/partners.psat.csv?span=last_30")
        text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][3:5] == ["Points", "Answers"]
        return next(r for r in rows if r[0] == ours.partner.name)

    assert partner_row()[1:5] == ["", "", "", ""]
    with scope(tenant=ours.tenant):
        for score in (9, 9):
            SurveyAnswer.objects.create(
                tenant=ours.tenant, survey=ours.survey, partner=ours.partner,
                answered_on=timezone.localdate(), score=score,
            )  # fmt: skip
    row = partner_row()
    assert row[1] == "6.0"
    assert row[3:5] == ["30", "5"]
