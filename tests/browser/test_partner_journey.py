"""A company applies, partner ops approves it, and its first admin starts in the program."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "hana@harborlogistics.example"


def test_applicant_to_onboarding_partner_admin(browser: Browser, demo):
    # 1. The applicant finds Acme's "Become a partner" page from the sign-in page.
    visitor = browser.new_page()
    visitor.goto(demo("acme.localhost", "/accounts/login/"))
    visitor.get_by_role("link", name="Become a partner").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("partner")
    visitor.get_by_label("Company name").fill("Harbor Logistics Software")
    visitor.get_by_label("Your name").fill("Hana Harbor")
    visitor.get_by_label("Your business email").fill(APPLICANT)
    visitor.get_by_label("Country").select_option("US")
    visitor.get_by_label("Partner type sought").select_option(label="Reseller")
    visitor.get_by_label("Region").select_option("na")
    visitor.get_by_label(re.compile("^Website")).fill("https://harborlogistics.example")
    visitor.get_by_role("button", name="Send my application").click()
    expect(visitor.locator("main")).to_contain_text("Thank you")

    # 2. Partner ops finds it in the queue, with its score, and approves it.
    ops = browser.new_page()
    sign_in(ops, demo("acme.localhost", "/accounts/login/?next=/admin/"), "ops@acme.test")
    ops.goto(demo("acme.localhost", "/admin/partners/application/"))
    ops.get_by_role("link", name=re.compile("Harbor Logistics Software")).first.click()
    expect(ops.locator("#content")).to_contain_text("Score")
    ops.get_by_role("link", name="Approve").click()
    ops.get_by_role("button", name="Approve and invite").click()
    expect(ops.locator(".messagelist")).to_contain_text("Harbor Logistics Software")

    # 3. The contact accepts the invitation from the email and lands in the portal.
    invitation = next(m for m in mail.outbox if m.to == [APPLICANT] and "/invitations/" in m.body)
    link = re.search(r"http://acme\.localhost(?::\d+)?(/invitations/[^/\s]+/)", invitation.body)
    assert link is not None, invitation.body
    admin = browser.new_page()
    admin.goto(demo("acme.localhost", link.group(1)))  # the live server's port
    admin.get_by_label("Your full name").fill("Hana Harbor")
    admin.get_by_label("Choose a password").fill("harbor-pass-2026")
    admin.get_by_label("Password again").fill("harbor-pass-2026")
    admin.get_by_role("button", name="Create my account").click()
    expect(admin.locator("main")).to_contain_text("Harbor Logistics Software")

    # 4. They accept the partner agreement.
    admin.get_by_role("link", name="Read and accept").first.click()
    admin.get_by_label(re.compile("I have read the agreement")).check()
    admin.get_by_role("button", name="Accept the agreement").click()
    expect(admin.locator("main")).to_contain_text("the agreement is accepted")

    # 5. "My program" shows the onboarding plan with the agreement step done.
    admin.get_by_role("link", name="My program").click()
    onboarding = admin.locator("#onboarding")
    expect(onboarding).to_contain_text("Onboarding")
    expect(onboarding).to_contain_text(re.compile(r"[1-9]\d* of \d+ steps done"))
