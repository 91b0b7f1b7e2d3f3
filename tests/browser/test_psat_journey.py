"""Issue 18's PSAT journey in Chromium, on the demo.

admin@northwind.test signs in, sees "1 survey waiting" on the portal home, opens Surveys,
answers the quarterly relationship survey (anonymous) with the score radio buttons — first
without a score, which is refused beside the question —, and lands back on Surveys with
nothing waiting. The answer is recorded without its user; every page runs under its
Content-Security-Policy without a violation or a script error."""

import pytest
from django_scopes import scope
from playwright.sync_api import Browser, expect

from partners.models import SurveyAnswer, SurveyRequest
from prm.tenancy.models import Tenant

from .test_content_security_policy import watch
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_admin_answers_a_psat_survey_from_the_portal(browser: Browser, demo):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        waiting = SurveyRequest.objects.select_related("survey").get(
            tenant=acme, membership__user__email="admin@northwind.test", answered_on__isnull=True
        )
        answers_before = SurveyAnswer.objects.filter(survey=waiting.survey).count()

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    card = page.locator("#survey-card-heading")
    expect(card).to_have_text("1 survey waiting")
    page.get_by_role("link", name="Answer now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    page.locator("#open-surveys").get_by_role("link", name="Answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(waiting.survey.name)

    # no score: refused beside the question, nothing recorded
    page.get_by_label("What should we improve first?").fill("Faster MDF payments")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#score-error")).to_have_text("Choose a score from 0 to 10.")
    expect(page.get_by_label("What should we improve first?")).to_have_value("Faster MDF payments")

    page.locator("label[for=id_score_9]").click()
    page.get_by_label("Anything else you would like to tell us?").fill("Keep it up")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    expect(page.get_by_text("Thank you: your answer is recorded.")).to_be_visible()
    expect(page.locator("#open-surveys")).to_have_count(0)
    page.goto(demo("acme.localhost", "/"))
    expect(page.locator("#survey-card-heading")).to_have_count(0)
    assert problems == []

    with scope(tenant=acme):
        assert SurveyRequest.objects.get(pk=waiting.pk).answered_on is not None
        answers = SurveyAnswer.objects.filter(survey=waiting.survey)
        assert answers.count() == answers_before + 1
        mine = answers.get(comment="Keep it up")
        assert (mine.score, mine.answer_1) == (9, "Faster MDF payments")
        assert mine.membership_id is None
        assert mine.request_id is None
    page.close()
