"""Issue 18's review journey in Chromium, on the demo.

cam@acme.test opens the staff home, follows the business reviews card to Northwind's draft of
this quarter (the demo shared it with Northwind's admins), writes the highlights, agrees an
action item with Northwind's admin, finalises the review on its confirm page and downloads the
PDF, whose pages are counted. Northwind's admin then finds the final review in the portal, with
the action item, and downloads the same PDF. Every page runs under its Content-Security-Policy
without a violation or a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Browser, expect

from partners.models import Partner
from prm.tenancy.models import Tenant
from reporting.models import Qbr

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages_of(path: str) -> int:
    info = subprocess.run(["pdfinfo", path], capture_output=True, check=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_the_cam_finalises_northwinds_review_and_downloads_its_pdf(browser: Browser, demo):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        northwind = Partner.objects.get(tenant=acme, name="Northwind Solutions")
        draft = Qbr.objects.get(tenant=acme, partner=northwind, status=Qbr.Status.DRAFT)
        assert Qbr.objects.filter(partner=northwind, status=Qbr.Status.FINAL).exists()

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    card = page.locator("#todo-reporting_qbrs")
    expect(card).to_contain_text("draft review")
    card.get_by_role("link", name="Business reviews").click()
    expect(page.locator("#result_list")).to_contain_text("Northwind Solutions")
    shoot(page, "qbr-01-list")
    page.locator("#result_list").get_by_role("link", name="Northwind Solutions").first.click()
    if f"/qbrs/{draft.pk}/" not in page.url:  # the list's first Northwind row is the newest
        page.goto(demo("acme.localhost", f"/admin/reporting/qbrs/{draft.pk}/"))
    expect(page.locator("#qbr-summary")).to_contain_text("Northwind Solutions")
    expect(page.locator("#qbr-figures-deals")).to_contain_text("Revenue won")
    shoot(page, "qbr-02-editor")

    page.fill("#id_highlights", "Two new logos in software; the webinar series keeps paying off.")
    page.fill("#id_roadblocks", "Presales capacity: one certified engineer.")
    page.click("#qbr-notes-save")
    expect(page.locator(".messagelist")).to_contain_text("saved")

    page.click("#action-add")
    page.fill("#id_title", "Certify a second presales engineer")
    page.select_option("#id_owner", label="Nora North · Partner admin")
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator("#actions")).to_contain_text("Certify a second presales engineer")

    page.click("#qbr-finalise")
    expect(page.locator("#content-main")).to_contain_text("Finalising locks the review")
    shoot(page, "qbr-03-finalise")
    page.get_by_role("button", name="Finalise the review").click()
    expect(page.locator(".messagelist")).to_contain_text("The review is final")
    expect(page.locator("#qbr-status")).to_contain_text("Final")
    expect(page.locator("#qbr-finalise")).to_have_count(0)

    with page.expect_download() as download:
        page.click("#qbr-pdf")
    path = download.value.path()
    assert 6 <= pages_of(str(path)) <= 12
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Northwind Solutions" in text
    assert "Certify a second presales engineer" in text
    shoot(page, "qbr-04-final")

    partner = browser.new_page(viewport={"width": 390, "height": 844})
    partner_problems = watch(partner)
    sign_in(
        partner, demo("acme.localhost", "/accounts/login/?next=/reviews/"), "admin@northwind.test"
    )
    partner.locator(f"#review-{draft.pk}").click()
    expect(partner.locator("#review-status")).to_contain_text("final")
    expect(partner.locator("#actions")).to_contain_text("Certify a second presales engineer")
    shoot(partner, "qbr-05-portal")
    with partner.expect_download() as again:
        partner.click("#review-pdf")
    assert pages_of(str(again.value.path())) == pages_of(str(path))
    assert problems == []
    assert partner_problems == []
