"""Issue 16's journey in Chromium, on the demo.

cam@acme.test marks Northwind's approved registration for Fourth Coffee (Acme Analytics) won,
closed last month; admin@northwind.test opens Earnings from the portal's navigation and sees
the commission pending, and the SPIF of the quarter the deal earned; ops@acme.test closes last
month (a background job with its progress page), which refreshes Northwind's draft statement
with the new line, approves the statement and marks it paid with a reference; the partner
admin finds the statement paid in the portal and downloads its PDF. The database agrees at the
end: the statement and every line on it are paid, and its totals are the sum of its lines.
Every page of the way runs under its Content-Security-Policy without a violation or a script
error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Browser, expect

from commissions.ledger import lines_add_up
from commissions.models import Line, Statement
from deals.models import Deal
from prm.metrics.periods import month_of
from prm.money import format_money
from prm.tenancy.models import Tenant

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "ACH-JOURNEY-0016"


def usd(amount: str) -> str:
    return format_money(Decimal(amount), "USD")


def admin_path(name: str, *args: object) -> str:
    return reverse(f"admin:{name}", args=args, urlconf="prm.urls")


def test_cam_wins_partner_sees_pending_ops_closes_approves_and_pays_partner_downloads_pdf(
    browser: Browser, demo
):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        deal = Deal.objects.get(tenant=acme, customer_name="Fourth Coffee")
    today = timezone.localdate()
    last_month = month_of(today.replace(day=1) - timedelta(days=1))
    closed_on = last_month.end - timedelta(days=2)
    commission = Decimal(deal.amount) * Decimal("0.20")  # a reseller's 20 % (Acme's plan)

    # 1. The CAM marks the deal won, closed last month.
    cam = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = {"cam": watch(cam)}
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", admin_path("deals_deal_change", deal.pk)))
    cam.locator("#deal-won").click()
    cam.get_by_label("Close date").fill(closed_on.isoformat())
    shoot(cam, "commissions-01-cam-mark-won")
    cam.get_by_role("button", name="Mark won").click()
    expect(cam.locator(".messagelist")).to_contain_text("is won")

    # 2. Northwind's admin sees the commission pending in the money view.
    partner = browser.new_page(viewport={"width": 1366, "height": 900})
    problems["partner"] = watch(partner)
    sign_in(partner, demo("acme.localhost", "/accounts/login/"), "admin@northwind.test")
    partner.get_by_role("navigation").get_by_role("link", name="Earnings").first.click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Your company's earnings")
    latest = partner.locator("#latest-lines")
    expect(latest).to_contain_text(deal.reference)
    row = latest.locator("tr", has_text="Deal commission").filter(has_text=deal.reference)
    expect(row).to_contain_text(usd(str(commission)))
    # the deal is of Acme Analytics: this quarter's SPIF pays it too
    expect(latest.locator("tr", has_text="SPIF").filter(has_text=deal.reference)).to_contain_text(
        usd("500")
    )
    expect(row).to_contain_text("Pending")
    shoot(partner, "commissions-02-partner-money-view")

    # 3. Ops closes last month: a background job, whose page shows its progress to the end.
    ops = browser.new_page(viewport={"width": 1366, "height": 900})
    problems["ops"] = watch(ops)
    sign_in(ops, demo("acme.localhost", "/accounts/login/?next=/admin/"), "ops@acme.test")
    ops.goto(
        demo(
            "acme.localhost",
            admin_path("commissions_close") + f"?period={last_month.start.isoformat()}",
        )
    )
    expect(ops.locator("#preview-lines")).to_be_visible()
    shoot(ops, "commissions-03-ops-close")
    ops.locator("#close-submit").click()
    expect(ops.locator("main, #content").first).to_contain_text("Done", timeout=60_000)
    shoot(ops, "commissions-04-ops-close-job")

    with scope(tenant=acme):
        statement = Statement.objects.get(
            tenant=acme, partner=deal.partner, period_start=last_month.start
        )
    # 4. Ops approves Northwind's statement and marks it paid.
    ops.goto(demo("acme.localhost", admin_path("commissions_statement_change", statement.pk)))
    expect(ops.locator("#statement-lines")).to_contain_text(deal.reference)
    ops.locator("#statement-approve").click()
    ops.locator("#statement-approve-submit").click()
    expect(ops.locator(".messagelist")).to_contain_text(statement.reference)
    ops.goto(demo("acme.localhost", admin_path("commissions_statement_change", statement.pk)))
    ops.locator("#statement-pay").click()
    ops.get_by_label("Paid on").fill(today.isoformat())
    ops.get_by_label("Payment reference").fill(REFERENCE)
    shoot(ops, "commissions-05-ops-pay")
    ops.locator("#statement-pay-submit").click()
    expect(ops.locator(".messagelist")).to_contain_text(statement.reference)

    # 5. The partner admin finds the statement paid and downloads its PDF.
    partner.goto(demo("acme.localhost", "/earnings/statements/"))
    expect(partner.locator("#statements")).to_contain_text(statement.reference)
    partner.locator("#statements").get_by_role("link", name=statement.reference).click()
    expect(partner.locator("#statement-note")).to_contain_text(REFERENCE)
    expect(partner.locator("#statement-lines")).to_contain_text(deal.reference)
    shoot(partner, "commissions-06-partner-statement-paid")
    with partner.expect_download() as download:
        partner.locator("#download-pdf").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert problems == {"cam": [], "partner": [], "ops": []}  # no CSP violation, no script error

    # The database tells the same story: paid, every line paid, the totals the lines' sums.
    with scope(tenant=acme):
        statement.refresh_from_db()
        assert statement.status == Statement.Status.PAID
        assert statement.payment_reference == REFERENCE
        lines = list(Line.objects.filter(statement=statement))
        assert {line.state for line in lines} == {Line.State.PAID}
        assert any(line.deal_id == deal.pk and line.amount == commission for line in lines)
        totals = {t.currency: t.lines_total for t in statement.totals.all()}
        assert totals == lines_add_up(lines)
