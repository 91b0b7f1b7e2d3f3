"""Issue 18's bulk export journey in Chromium, on the demo.

ops@acme.test opens "Export QBRs" from the admin UI's menu, picks last quarter and the Silver
tier, counts the partners, starts the export and follows the job's page to its progress bar at
100% (the job runs eagerly in the request that starts it, as every journey's jobs do: the real
worker is tests/test_qbr_export_worker.py), then downloads the zip: one PDF per partner of the
tier. Every page runs under its Content-Security-Policy without a violation or a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import io
import zipfile

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Browser, expect

from partners.models import Tier
from prm.tenancy.models import Membership, Tenant
from reporting.qbrs import export as E
from reporting.qbrs.services import recent_quarters

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ops_exports_a_tiers_qbrs_and_downloads_one_pdf_per_partner(browser: Browser, demo):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        ops = Membership.objects.select_related("tenant", "user").get(
            tenant=acme, user__email="ops@acme.test"
        )
        silver = Tier.objects.get(tenant=acme, name="Silver")
        last = recent_quarters(acme, timezone.localdate())[1]
        partners = list(
            E.export_partners(
                ops, E.Selection(quarter=last, scope=E.TIER, tier=silver)
            ).values_list("name", flat=True)
        )
    assert len(partners) >= 2, "the demo's Silver tier has partners"
    label = E.quarter_label(acme, last)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "ops@acme.test")
    page.get_by_role("link", name="Export QBRs").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export QBRs")
    page.get_by_label("Quarter").select_option(last.start.isoformat())
    page.get_by_label("The partners of a tier").check()
    page.locator("#id_tier").select_option(label="Silver")
    shoot(page, "qbr-export-01-choices")
    page.locator("#export-count").click()

    preview = page.locator("#export-preview")
    expect(preview).to_contain_text(f"{len(partners)} partners to export")
    for name in partners:
        expect(preview).to_contain_text(name)
    shoot(page, "qbr-export-02-count")
    page.locator("#export-submit").click()

    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Done", timeout=120_000)
    expect(progress.locator(".job-percent")).to_have_text("100%")
    expect(progress.locator("progress")).to_have_attribute("value", str(len(partners)))
    expect(page.locator("#job-counts")).to_contain_text(f"{len(partners)} done, 0 failed")
    shoot(page, "qbr-export-03-job-done")

    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename == f"QBRs {label}.zip"
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert sorted(archive.namelist()) == sorted(f"{name} {label}.pdf" for name in partners)
    for name in archive.namelist():
        assert archive.read(name).startswith(b"%PDF-")

    assert problems == []  # no CSP violation, no script error
