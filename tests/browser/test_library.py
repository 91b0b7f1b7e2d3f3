"""The content library in a browser: rep@northwind.test (a reseller) finds the reseller
assets under Resources and not the integrators', searches, filters and downloads a PDF; on a
phone the cards fit the screen."""

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reseller_finds_searches_and_downloads_what_targets_it(page: Page, demo):
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    page.get_by_role("link", name="Resources").first.click()
    assets = page.locator("#library-assets")
    expect(assets).to_contain_text("Reseller sales playbook")
    expect(assets).to_contain_text("Northwind joint account plan")  # named to Northwind
    expect(assets).not_to_contain_text("integrating Acme Cloud with ERP")  # integrators'
    expect(assets).not_to_contain_text("Partner pricing for 2027")  # a draft

    page.get_by_label("Search").fill("prices")
    page.get_by_role("button", name="Search").click()
    expect(assets).to_contain_text("Reseller price list 2026")
    expect(assets).not_to_contain_text("Reseller sales playbook")

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Industry").select_option(label="Healthcare")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#library-count")).to_have_text("1 resource")

    page.get_by_role("link", name="Case study: Fabrikam Health cuts onboarding time by 40%").click()
    with page.expect_download() as download:
        page.locator("#asset-download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"


def test_resources_fit_a_phone(browser: Browser, demo):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    page.goto(demo("acme.localhost", "/resources/"))
    expect(page.locator("#library-assets")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
