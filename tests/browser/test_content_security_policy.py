"""Pages run in Chromium under their Content-Security-Policy without a single violation: the
portal, the sign-in pages, and every list and form of the admin UI (prm.security.headers)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: reports every violation on the console, whichever way Chromium would word it
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def watch(page: Page) -> list[str]:
    """The page's CSP violations and script errors, collected as they happen."""
    problems: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status < 400, url
    assert response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def test_the_listener_sees_a_violation(page: Page, demo):
    """The control: an inline style element without the nonce is refused, and reported."""
    problems = watch(page)
    visit(page, demo("acme.localhost", "/accounts/login/"))
    assert problems == []
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    page.wait_for_timeout(200)
    assert any("style-src" in p for p in problems), problems


def test_portal_pages_run_without_violations(page: Page, demo):
    problems = watch(page)
    visit(page, demo("acme.localhost", "/accounts/login/"))
    visit(page, demo("acme.localhost", "/accounts/password/reset/"))
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    expect(page.locator("main")).to_contain_text("Northwind Solutions")
    # The brand colours come from the nonce'd style element.
    colour = page.locator(".brand-navbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(11, 92, 173)"
    links = page.locator("header nav a[href^='/']").evaluate_all("as => as.map(a => a.href)")
    pages = [
        *links,
        demo("acme.localhost", "/deals/new/"),
        demo("acme.localhost", "/notifications/"),
        demo("acme.localhost", "/notifications/settings/"),
        demo("acme.localhost", "/accounts/2fa/"),
        demo("acme.localhost", "/accounts/password/change/"),
    ]
    for url in dict.fromkeys(pages):
        visit(page, url)
    # Bootstrap's dropdown and htmx's pre-check run under the policy too.
    page.get_by_role("button", name="Nora").click()
    expect(page.get_by_role("link", name="My portals")).to_be_visible()
    visit(page, demo("acme.localhost", "/deals/new/"))
    page.get_by_label("Customer company name").fill("Datum Corporation")
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "clear")
    assert problems == []


def test_every_admin_list_and_form_runs_without_violations(page: Page, demo):
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "leader@acme.test")
    expect(page.locator("#site-name")).to_contain_text("Acme Cloud Partner Portal")
    lists = page.locator("#content-main a[href$='/']").evaluate_all(
        "as => as.map(a => a.href).filter(h => !h.endsWith('/add/'))"
    )
    assert len(lists) > 15
    for url in dict.fromkeys(lists):
        visit(page, url)
        first = page.locator("#result_list tbody th a, #result_list tbody td a").first
        if first.count():
            href = first.get_attribute("href")
            visit(page, demo("acme.localhost", urlsplit(href).path))
        add = page.locator(".object-tools a.addlink")
        if add.count():
            visit(page, demo("acme.localhost", urlsplit(add.get_attribute("href")).path))
    # The admin's own scripts: the date widget's calendar and the changelist's actions.
    visit(page, demo("acme.localhost", "/admin/deals/lead/add/"))
    calendar = page.locator(".datetimeshortcuts a").last
    if calendar.count():
        calendar.click()
    assert problems == []


def test_the_mdf_pages_run_without_violations(page: Page, demo):
    """The MDF pages the crawls above do not reach (a fund's overview, allocations and ledger,
    the decision pages, the batch review; a request's and a claim's page in the portal), on the
    demo's Acme fund of the quarter, Northwind's summit and its claim, Contoso's request."""
    from django_scopes import scope

    from mdf.models import Allocation, Claim, Fund, MdfRequest
    from prm.tenancy.models import Tenant

    with scope(tenant=Tenant.objects.get(slug="acme")):
        fund = Fund.objects.filter(questions__isnull=False).order_by("-starts_on").first()
        assert fund is not None
        allocation = Allocation.objects.get(fund=fund, partner__name="Northwind Solutions")
        summit = MdfRequest.objects.get(fund=fund, partner__name="Northwind Solutions")
        waiting = MdfRequest.objects.get(fund=fund, status=MdfRequest.Status.SUBMITTED)
        claim = Claim.objects.get(request=summit)
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "leader@acme.test")
    expect(page.locator("#site-name")).to_contain_text("Acme Cloud Partner Portal")
    for path in [
        f"/admin/mdf/funds/{fund.pk}/overview/",
        f"/admin/mdf/funds/{fund.pk}/allocations/",
        f"/admin/mdf/funds/{fund.pk}/allocations/set/",
        f"/admin/mdf/funds/{fund.pk}/allocations/by-tier/",
        f"/admin/mdf/funds/allocations/{allocation.pk}/ledger/",
        f"/admin/mdf/fund/{fund.pk}/change/",
        f"/admin/mdf/mdfrequest/{waiting.pk}/change/",
        f"/admin/mdf/review/request/{waiting.pk}/approve/",
        f"/admin/mdf/review/request/{waiting.pk}/request-info/",
        f"/admin/mdf/review/request/{waiting.pk}/reject/",
        f"/admin/mdf/review/request/{waiting.pk}/decline/",
        f"/admin/mdf/review/request/{summit.pk}/extend-claim/",
        f"/admin/mdf/review/fund/{fund.pk}/batch-review/",
        f"/admin/mdf/claim/{claim.pk}/change/",
        f"/admin/mdf/review/claim/{claim.pk}/approve/",
        f"/admin/mdf/review/claim/{claim.pk}/request-info/",
        f"/admin/mdf/review/claim/{claim.pk}/reject/",
        "/admin/mdf/paymentbatch/",
    ]:
        visit(page, demo("acme.localhost", path))
    page.context.clear_cookies()  # signed out: the partner's admin signs in
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    for path in [
        "/funds/",
        f"/funds/request/{fund.pk}/",
        f"/funds/requests/{summit.pk}/",
        f"/funds/claims/{claim.pk}/",
    ]:
        visit(page, demo("acme.localhost", path))
    assert problems == []
