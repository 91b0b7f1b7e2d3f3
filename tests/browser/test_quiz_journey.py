"""A partner admin takes the Sales foundations quiz: fails it, sees what to review and when to
try again, passes it, and follows the "great job" notification to the next module."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Browser, Page, expect

from prm.tenancy.models import Tenant
from training.demo import QUIZ
from training.models import Attempt

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = {text: {label for label, right in choices if right} for _k, text, choices, _e in QUIZ}


def answer(page: Page, *, right: bool) -> None:
    """Tick every question's right choices, or only wrong ones."""
    for fieldset in page.locator("#quiz-form fieldset").all():
        question = fieldset.locator("p").first.inner_text().strip()
        labels = fieldset.locator("label.form-check-label").all()
        wrong = [label for label in labels if label.inner_text().strip() not in RIGHT[question]]
        chosen = (
            [label for label in labels if label.inner_text().strip() in RIGHT[question]]
            if right
            else wrong[:1]
        )
        for label in chosen:
            label.click()


def test_partner_admin_fails_then_passes_the_quiz_and_follows_great_job(browser: Browser, demo):
    page = browser.new_page()
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    page.goto(demo("acme.localhost", "/learning/"))
    page.locator("#course-catalogue").get_by_role("link", name="Sales foundations").click()
    page.get_by_role("button", name="Start the course").click()
    page.locator("#player-modules").get_by_role("link", name=re.compile("^Check:")).click()
    expect(page.locator("#quiz-card")).to_contain_text("6 questions")
    expect(page.locator("#module-complete")).to_have_count(0)  # passing completes it
    page.get_by_role("link", name="Take the quiz").click()

    # Submitting nothing: an error beside each question, nothing graded.
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#q1-error")).to_contain_text("Answer this question.")

    answer(page, right=False)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#quiz-outcome")).to_contain_text("Not passed yet")
    expect(page.locator("#quiz-review")).to_contain_text("Register early, win more")
    expect(page.locator("#try-later")).to_contain_text("You can try again at")
    for _kind, _text, choices, _e in QUIZ:  # a failed attempt names no answer
        for label, _right in choices:
            expect(page.locator("#quiz-answers")).not_to_contain_text(label)

    # The ten minutes pass.
    with scope(tenant=Tenant.objects.get(slug="acme")):
        Attempt.objects.filter(enrolment__membership__user__email="admin@northwind.test").update(
            submitted_at=timezone.now() - timedelta(minutes=11)
        )
    page.reload()
    page.get_by_role("link", name="Try again").click()
    answer(page, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#quiz-outcome")).to_contain_text("Passed")
    expect(page.locator("#quiz-answers")).to_contain_text("Before you send your first proposal")

    page.goto(demo("acme.localhost", "/notifications/"))
    great = page.get_by_role("link", name=re.compile("Great job passing Check: registering"))
    # the next module after the quiz (the two before it wait in the course's list)
    expect(great).to_contain_text("start The reseller sales playbook")
    great.click()
    expect(page.locator("#module-title")).to_have_text("The reseller sales playbook")
