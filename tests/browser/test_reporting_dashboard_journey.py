"""Issue 17's dashboard journey in Chromium, on the demo.

leader@acme.test opens the program dashboard from the admin UI's menu, reads the pipeline
registered this month, and drills from its tile to the list behind it: the partners who
registered pipeline, each with its amount, together the tile's figure, which the metrics layer
computes the same way. Every page runs under its Content-Security-Policy without a violation or
a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import pytest
from django_scopes import scope
from playwright.sync_api import Browser, expect

from partners.models import Partner
from prm.exchange.services import tenant_today
from prm.metrics import periods as P
from prm.metrics.engine import BY_PARTNER, evaluate
from prm.metrics.registry import get
from prm.tenancy.models import Tenant

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_program_dashboard_and_drills_from_a_tile_to_its_list(
    browser: Browser, demo
):
    acme = Tenant.objects.get(slug="acme")
    pipeline = get("deals.pipeline_registered")
    period = P.period_for(P.QUARTER, tenant_today(acme), fiscal_start=acme.fiscal_year_start or 1)
    with scope(tenant=acme):
        whole = evaluate(acme, [pipeline], [period]).get(pipeline, period)
        by_partner = evaluate(acme, [pipeline], [period], by=BY_PARTNER).groups(pipeline, period)
    assert whole, "the demo has pipeline registered this month"
    figure = pipeline.format(whole, currency=acme.default_currency)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "leader@acme.test")
    page.get_by_role("link", name="Program dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program dashboard")
    tile = page.locator("#tile-deals-pipeline-registered")
    expect(tile).to_contain_text(figure)
    expect(page.locator("#top-partners")).to_be_visible()
    shoot(page, "reporting-01-program-dashboard")

    tile.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pipeline registered")
    expect(page.locator("#metric-total")).to_contain_text(figure)
    rows = page.locator("#metric-partners tbody tr")
    with scope(tenant=acme):
        names = dict(Partner.objects.filter(tenant=acme).values_list("pk", "name"))
    behind = {pk: value for pk, value in by_partner.items() if value}
    assert behind
    for pk, value in behind.items():
        row = rows.filter(has_text=names[pk]).first
        expect(row).to_contain_text(pipeline.format(value, currency=acme.default_currency))
    shoot(page, "reporting-02-list-behind-the-figure")

    assert problems == []  # no CSP violation, no script error
