"""The portal on a phone (390 × 844): the navigation folds away behind its toggler while the
bell stays in view, and no page is wider than the screen."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _phone(browser: Browser, demo, email: str, host: str = "acme.localhost") -> Page:
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, demo(host, "/accounts/login/"), email)
    return page


def test_the_390_px_portal_shows_the_bell(browser: Browser, demo):
    page = _phone(browser, demo, "admin@northwind.test")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Nora")

    # The bell, its unread count and the account menu sit on the brand's row, outside the menu.
    bell = page.get_by_role("link", name="Notifications")
    expect(bell).to_be_visible()
    expect(page.locator("#bell-count")).to_be_visible()
    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    bell_box, toggler_box = bell.bounding_box(), toggler.bounding_box()
    assert bell_box is not None
    assert toggler_box is not None
    assert abs(bell_box["y"] - toggler_box["y"]) < toggler_box["height"], "one row"
    assert bell_box["x"] + bell_box["width"] <= PHONE["width"]

    # The sections are folded away until the toggler opens them, and fold again.
    deals = page.locator("#main-nav").get_by_role("link", name="Deals")
    expect(deals).to_be_hidden()
    menu = page.locator("#main-nav")
    toggler.click()
    expect(deals).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(bell).to_be_visible()
    # Bootstrap ignores a click while the menu is still sliding open.
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    toggler.click()
    expect(deals).to_be_hidden()

    # The bell leads to the notifications.
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert _page_overflow(page) == 0


def test_no_portal_page_scrolls_sideways_at_390_px(browser: Browser, demo):
    page = _phone(browser, demo, "admin@northwind.test")
    assert _page_overflow(page) == 0, "home"

    page.get_by_role("button", name="Toggle navigation").click()
    page.locator("#main-nav").get_by_role("link", name="Deals").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("deal registrations")
    assert _page_overflow(page) == 0, "deal list"
    # The list's table scrolls inside its own box, and says so.
    expect(page.locator(".scroll-hint").first).to_be_visible()

    # Leads are one card per lead: no table to scroll, so no hint.
    page.goto(demo("acme.localhost", "/deals/leads/"))
    expect(page.get_by_role("link", name="Tailwind Traders")).to_be_visible()
    expect(page.locator(".scroll-hint")).to_have_count(0)
    for path in ("/deals/leads/", "/notifications/", "/program/", "/deals/new/"):
        page.goto(demo("acme.localhost", path))
        assert _page_overflow(page) == 0, path


def test_the_bell_stays_outside_the_menu_at_1366_px(browser: Browser, demo):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, demo("globex.localhost", "/accounts/login/"), "rep@initech.test")
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()
    expect(page.locator("#main-nav").get_by_role("link", name="Deals")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
    assert _page_overflow(page) == 0
