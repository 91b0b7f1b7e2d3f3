"""Signing in on each vendor's host, as a person would, in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from prm.tenancy.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_rep_signs_in_to_acme_and_sees_acme_branding_and_northwind(page: Page, demo):
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    expect(page).to_have_url(demo("acme.localhost", "/"))
    expect(page.locator(".navbar-brand")).to_contain_text("Acme Cloud Partner Portal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Ned")
    expect(page.locator("main")).to_contain_text("Northwind Solutions")
    navbar_colour = page.locator(".brand-navbar").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert navbar_colour == "rgb(11, 92, 173)"  # Acme's #0b5cad
    logo = page.locator(".navbar-brand img")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.naturalWidth") > 0


def test_the_same_credentials_fail_on_globex(page: Page, demo):
    sign_in(page, demo("globex.localhost", "/accounts/login/"), "rep@northwind.test")
    expect(page.locator("main")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page.locator(".navbar-brand")).to_contain_text("Globex Partner Network")
    page.goto(demo("globex.localhost", "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_one_person_in_two_programs_sees_a_different_company_on_each(page: Page, demo):
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "multi@partners.test")
    expect(page.locator("main")).to_contain_text("Northwind Solutions")
    expect(page.locator("main")).not_to_contain_text("Initech")

    sign_in(page, demo("globex.localhost", "/accounts/login/"), "multi@partners.test")
    expect(page.locator(".navbar-brand")).to_contain_text("Globex Partner Network")
    expect(page.locator("main")).to_contain_text("Initech")
    expect(page.locator("main")).not_to_contain_text("Northwind")

    # "My portals" links to the other vendor's host.
    page.get_by_role("button", name=re.compile("Morgan")).click()
    page.get_by_role("link", name="My portals").click()
    expect(
        page.get_by_role("link", name=re.compile("Acme Cloud Partner Portal"))
    ).to_have_attribute("href", re.compile(r"^http://acme\.localhost:8000/$"))

    # Each host kept its own session: Acme still shows Northwind.
    page.goto(demo("acme.localhost", "/"))
    expect(page.locator("main")).to_contain_text("Northwind Solutions")


def test_a_cam_lands_in_the_branded_admin_ui(page: Page, demo):
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    expect(page).to_have_url(demo("acme.localhost", "/admin/"))
    expect(page.locator("#site-name")).to_contain_text("Acme Cloud Partner Portal")
    expect(page.locator("#content")).to_contain_text("Channel account manager")
    expect(page.locator("#content")).not_to_contain_text("Program settings")
