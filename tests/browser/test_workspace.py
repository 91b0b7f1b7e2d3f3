"""Staff work where their work is, on a 1366 px laptop: the CAM's to-do home leads to the
overdue registration, the partner page shows a partner's deals and onboarding, and the
registration queue's key columns are on screen without scrolling sideways."""

import pytest
from django_scopes import scope
from playwright.sync_api import Browser, Page, expect

from deals.tests.factories import registered
from partners.models import Partner
from prm.tenancy.models import Membership, Tenant

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}


def laptop(browser: Browser) -> Page:
    return browser.new_page(viewport=LAPTOP)


def test_the_cams_home_lists_the_overdue_registration_and_leads_to_it(browser: Browser, demo):
    # Fabrikam (not this CAM's partner) has a registration waiting too.
    with scope(tenant=Tenant.objects.get(slug="acme")):
        fabrikam = Membership.objects.get(user__email="admin@fabrikam.test")
        registered(fabrikam, customer_name="Fabrikam Fiber", customer_website="fiber.example")
    cam = laptop(browser)
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    expect(cam.get_by_role("heading", level=1)).to_contain_text("Welcome, Carla")
    card = cam.locator("#todo-decisions")
    expect(card.get_by_role("link", name="overdue for a decision")).to_be_visible()
    overdue = card.locator("li", has_text="Proseware Retail")
    expect(overdue).to_contain_text("overdue by")
    # Contoso's and Northwind's only: Fabrikam is not this CAM's partner.
    expect(card.locator("li", has_text="waiting for a decision")).to_contain_text("5")
    expect(card).not_to_contain_text("Fabrikam Fiber")
    leader = laptop(browser)
    sign_in(leader, demo("acme.localhost", "/accounts/login/?next=/admin/"), "leader@acme.test")
    leading = leader.locator("#todo-decisions li", has_text="waiting for a decision")
    expect(leading).to_contain_text("6")
    overdue.get_by_role("link", name="Proseware Retail").click()
    expect(cam.get_by_role("heading", level=1)).to_contain_text("Proseware Retail")
    expect(cam.locator(".object-tools")).to_contain_text("Approve")
    # The line leads to the list of exactly the overdue registrations.
    cam.goto(demo("acme.localhost", "/admin/"))
    cam.locator("#todo-decisions").get_by_role("link", name="overdue for a decision").click()
    expect(cam.locator("#result_list")).to_contain_text("Proseware Retail")
    expect(cam.locator("#result_list")).not_to_contain_text("Blue Yonder Airlines")


def test_the_partner_page_shows_the_partners_deals_and_onboarding(browser: Browser, demo):
    # Proseware is onboarding (the kick-off call is next); its admin registers a first deal.
    with scope(tenant=Tenant.objects.get(slug="acme")):
        proseware = Partner.objects.get(name="Proseware")
        admin = Membership.objects.get(partner=proseware, user__email="admin@proseware.test")
        registered(admin, customer_name="Litware Hotels", customer_website="litware-hotels.example")
    cam = laptop(browser)
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", "/admin/partners/partner/"))
    cam.get_by_role("link", name="Proseware", exact=True).click()
    expect(cam.get_by_role("heading", level=1)).to_contain_text("Proseware")
    deals = cam.locator("#section-deals")
    expect(deals).to_contain_text("Litware Hotels")
    expect(deals).to_contain_text("Submitted")
    onboarding = cam.locator("#section-onboarding")
    expect(onboarding).to_contain_text("Reseller onboarding")
    expect(onboarding).to_contain_text("Kick-off call with your channel manager")
    # The registration ticked the step that waited for it.
    expect(onboarding.locator("li", has_text="Register your first deal")).to_contain_text("Done")
    expect(cam.locator("#section-activity")).to_contain_text("submitted")
    # The two columns fit the laptop: nothing to scroll sideways.
    assert cam.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_the_queues_key_columns_are_visible_without_scrolling_sideways(browser: Browser, demo):
    cam = laptop(browser)
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", "/admin/deals/deal/"))
    expect(cam.locator("#result_list")).to_contain_text("Proseware Retail")
    # Below 1600 px the filter panel starts closed; the toggle says what the list applies.
    expect(cam.locator("#changelist-filter")).to_be_hidden()
    for name in ("Decision target", "Conflict", "Status"):
        header = cam.locator("#result_list thead th", has_text=name)
        expect(header).to_be_in_viewport()
        box = header.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= LAPTOP["width"], name
    results = cam.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert cam.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # The member opens the panel; the choice is remembered on the next list.
    toggle = cam.locator("[data-prm-filter-toggle]")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(cam.locator("#changelist-filter")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # With the panel open the list is narrower than its columns: the key columns stay at its
    # right edge, on screen, while the others scroll under them.
    shown = results.bounding_box()
    assert shown is not None
    for name in ("Decision target", "Conflict", "Status"):
        box = cam.locator("#result_list thead th", has_text=name).bounding_box()
        assert box is not None
        assert shown["x"] <= box["x"], name
        assert box["x"] + box["width"] <= shown["x"] + shown["width"] + 1, name
    cam.goto(demo("acme.localhost", "/admin/partners/partner/"))
    expect(cam.locator("#changelist-filter")).to_be_visible()
    cam.locator("[data-prm-filter-toggle]").click()
    expect(cam.locator("#changelist-filter")).to_be_hidden()
    cam.reload()
    expect(cam.locator("#changelist-filter")).to_be_hidden()
