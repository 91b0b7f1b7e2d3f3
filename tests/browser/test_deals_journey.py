"""A rep registers a deal while the pre-check watches; the CAM approves one and rejects one;
the rep reads the reason and the notification."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Not enough information to qualify"
MESSAGE = "Please register it with the buyer's division named."


def test_rep_registers_cam_approves_and_rejects_rep_reads_the_reason(browser: Browser, demo):
    # 1. The rep opens the registration form from the portal's navigation.
    rep = browser.new_page()
    sign_in(rep, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    rep.get_by_role("navigation").get_by_role("link", name="Deals").click()
    rep.get_by_role("link", name="Register a deal").click()

    # 2. The pre-check answers while the rep types: clear, then "already protected" for the
    #    customer Contoso registered (never saying who), then clear again.
    verdict = rep.locator("[data-outcome]")
    name = rep.get_by_label("Customer company name")
    name.fill("Datum Corporation")
    expect(verdict).to_have_attribute("data-outcome", "clear")
    expect(verdict).to_contain_text("No conflict found")
    name.fill("Margie's Travel")
    expect(verdict).to_have_attribute("data-outcome", "protected")
    expect(verdict).to_contain_text("already protected by another registration until")
    expect(rep.locator("main")).not_to_contain_text("Contoso")
    name.fill("Datum Corporation")
    expect(verdict).to_have_attribute("data-outcome", "clear")

    # 3. The rep completes and submits the registration.
    rep.get_by_label("Customer website or domain").fill("https://www.adatum.example")
    rep.get_by_label("Customer country").select_option("US")
    rep.get_by_label("Contact name").fill("Ada Datum")
    rep.get_by_label("Contact email").fill("ada@adatum.example")
    rep.get_by_label("Acme Cloud Suite").check()
    rep.get_by_label("Amount").fill("42000")
    close = (timezone.localdate() + timedelta(days=60)).isoformat()
    rep.get_by_label("Expected close date").fill(close)
    rep.get_by_role("button", name="Submit registration").click()
    expect(rep.get_by_role("heading", level=1)).to_contain_text("Datum Corporation")
    expect(rep.locator("main")).to_contain_text("Submitted")

    # 4. The CAM finds it in the queue and approves it.
    cam = browser.new_page()
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", "/admin/deals/deal/"))
    cam.locator("tr", has_text="Datum Corporation").get_by_role("link").first.click()
    expect(cam.locator("#content")).to_contain_text("Candidate matches")
    cam.locator(".object-tools").get_by_role("link", name="Approve").click()
    cam.get_by_role("button", name="Approve").click()
    expect(cam.locator(".messagelist")).to_contain_text("Datum Corporation")

    # 5. ...and rejects Blue Yonder Airlines with a reason from the list and a message.
    cam.goto(demo("acme.localhost", "/admin/deals/deal/"))
    cam.locator("tr", has_text="Blue Yonder Airlines").get_by_role("link").first.click()
    cam.locator(".object-tools").get_by_role("link", name="Reject").click()
    cam.get_by_label("Reason").select_option(label=REASON)
    cam.get_by_label("Message to the partner").fill(MESSAGE)
    cam.get_by_role("button", name="Reject and tell the partner").click()
    expect(cam.locator(".messagelist")).to_contain_text("Blue Yonder Airlines")

    # 6. The rep is notified of both and reads the reason on the registration.
    rep.goto(demo("acme.localhost", "/notifications/"))
    expect(rep.locator("main")).to_contain_text("Approved: Datum Corporation")
    rep.get_by_role("link", name=re.compile("Rejected: Blue Yonder Airlines")).first.click()
    expect(rep.get_by_role("heading", level=1)).to_contain_text("Blue Yonder Airlines")
    expect(rep.locator("main")).to_contain_text(REASON)
    expect(rep.locator("main")).to_contain_text(MESSAGE)
