"""Issue 17's scorecard journey in Chromium, on the demo.

admin@northwind.test opens the Scorecard from the portal's navigation, sees the company's KPIs
for this quarter (the figures the metrics layer answers, the same the page was built from), the
highlights that hold with their links, the trend and the tier path; switches to the year; and
a rep of Northwind sees their own figures. Every page runs under its Content-Security-Policy
without a violation or a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import pytest
from django_scopes import scope
from playwright.sync_api import Browser, expect

from prm.tenancy.models import Membership, Tenant
from reporting.scorecard import scorecard_of

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_admin_opens_the_scorecard_from_the_nav(browser: Browser, demo):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        admin = Membership.objects.select_related("partner", "tenant", "user").get(
            tenant=acme, user__email="admin@northwind.test"
        )

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = {"admin": watch(page)}
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    page.get_by_role("navigation").get_by_role("link", name="Scorecard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your company's scorecard")
    # what the metrics layer answers now (the sign-in just counted towards the active users)
    with scope(tenant=acme):
        expected = scorecard_of(admin)

    # every KPI card, with the figure the metrics layer answers
    cards = page.locator("#scorecard-kpis .scorecard-kpi")
    expect(cards).to_have_count(len(expected.kpis))
    for kpi in expected.kpis:
        expect(page.locator(f"#kpi-{kpi.name} [data-value]")).to_have_text(kpi.text)
    revenue = next(k for k in expected.kpis if k.metric.name == "deals.revenue_won")
    expect(page.locator("#kpi-deals-revenue-won")).to_contain_text("Revenue won")
    if revenue.benchmark:
        expect(page.locator("#kpi-deals-revenue-won")).to_contain_text(revenue.benchmark.sentence)
    else:
        expect(page.locator("#scorecard-tier-note")).to_be_visible()

    # the highlights that hold, each a link
    if expected.highlights:
        for highlight in expected.highlights:
            link = page.locator(f"#{highlight.key} a")
            expect(link).to_have_text(highlight.text)
            expect(link).to_have_attribute("href", highlight.url)
    else:
        expect(page.locator("#scorecard-highlights-none")).to_be_visible()
    expect(page.locator("#scorecard-trend")).to_be_visible()
    expect(page.locator("#scorecard-tier")).to_be_visible()
    shoot(page, "scorecard-01-partner-admin")

    # another period
    page.locator("#scorecard-spans").get_by_role("link", name="This year").click()
    expect(page.locator("#scorecard-spans .active")).to_have_text("This year")
    shoot(page, "scorecard-02-partner-admin-year")

    # a first highlight leads to its page
    if expected.highlights:
        page.locator(f"#{expected.highlights[0].key} a").click()
        page.wait_for_load_state("load")
        assert "/scorecard/" not in page.url

    # a rep of Northwind: their own figures, on a phone, no tier benchmark
    own = browser.new_page(viewport={"width": 390, "height": 844})
    problems["rep"] = watch(own)
    sign_in(own, demo("acme.localhost", "/accounts/login/?next=/scorecard/"), "rep@northwind.test")
    expect(own.get_by_role("heading", level=1)).to_have_text("Your scorecard")
    expect(own.locator("#scorecard-tier-note")).to_have_count(0)
    expect(own.get_by_text("Tier median")).to_have_count(0)
    shoot(own, "scorecard-03-rep")

    assert problems == {"admin": [], "rep": []}  # no CSP violation, no script error
