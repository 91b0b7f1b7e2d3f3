"""Learning paths and certifications in Chromium, on the demo: rep@northwind.test follows the
"Sales foundations" path (the next course locked), downloads the certificate of the
certification expiring soon, and a customer checks it on the verification page."""

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_rep_follows_a_path_and_shares_a_certificate(browser: Browser, demo, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    expect(page.locator("#certification-expiring-card")).to_contain_text("Acme Cloud Essentials")

    page.goto(demo("acme.localhost", "/learning/"))
    paths = page.locator("#my-paths")
    expect(paths).to_contain_text("Sales foundations")
    expect(paths).to_contain_text("Unlocks when you pass Sales foundations")
    assert _overflow(page) == 0

    # The catalogue, reached from the Learning page, shows the lock too; the locked course
    # says what unlocks it, and offers no Start.
    page.locator("#catalogue-link").click()
    catalogue = page.locator("#course-catalogue")
    expect(catalogue).to_contain_text("Unlocks when you pass Sales foundations")
    assert _overflow(page) == 0
    catalogue.get_by_role("link", name="Handling objections").click()
    expect(page.locator("#course-locked")).to_contain_text("unlocks when you pass")
    expect(page.get_by_role("button", name="Start the course")).to_have_count(0)

    page.goto(demo("acme.localhost", "/learning/"))
    certifications = page.locator("#certifications")
    expect(certifications).to_contain_text("Expires soon")
    with page.expect_download() as download:
        certifications.get_by_role("link", name="Certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    verify = certifications.get_by_role("link", name="Verification link").get_attribute("href")

    # A customer, signed in nowhere, checks the claim.
    stranger = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    stranger.goto(demo("acme.localhost", verify))
    expect(stranger.locator("#verification-state")).to_contain_text("VALID")
    expect(stranger.locator("#verification")).to_contain_text("Northwind Solutions")
    assert _overflow(stranger) == 0
    context.close()
