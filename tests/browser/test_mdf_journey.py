"""Issue 15's journey in Chromium, on the demo.

rep@northwind.test opens Funds from the portal's navigation and asks Acme's fund of this quarter
for 5,000 of the 6,000 Northwind has left, answering the standard questions and the fund's own;
cam@acme.test finds the request in the queue and approves 4,000 of it with a reason; the rep
reads the amount and the reason, files a claim (the actual spend, results, a deal of their own,
a PDF proof uploaded through the file input) and submits it; the CAM approves the claim under
the cap the page computes, min(4,000, 80 % of 4,500) = 3,600; ops@acme.test marks it paid from
the payments page; the rep reads "Paid on <date>, reference <ref>" and the campaign's ROI. The
database agrees at the end: the allocation's balances are what the story says, and its
movements add up to them. Every page of the way runs under its Content-Security-Policy without
a violation or a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django_scopes import scope
from playwright.sync_api import Browser, expect

from mdf import ledger
from mdf.demo import invoice_pdf
from mdf.models import Allocation, Claim, MdfRequest
from mdf.services.requests import tenant_today
from prm.money import format_money
from prm.tenancy.models import Tenant

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Lakeshore cloud breakfast"
REASON = "We fund the venue and the mailing; the giveaways stay with you."
REFERENCE = "AP-JOURNEY-0042"
PROOF = "Invoice Lakeshore Hotel 0042.pdf"
STORED_AS = "Invoice_Lakeshore_Hotel_0042.pdf"  # the name as the upload check cleans it


def usd(amount: str) -> str:
    return format_money(Decimal(amount), "USD")


def proof_pdf(folder: Path, tenant: Tenant) -> Path:
    """A real PDF invoice (the demo's, made by the house's PDF renderer) on disk, to upload."""
    path = folder / PROOF
    path.write_bytes(
        invoice_pdf(
            tenant,
            number="0042",
            issuer="Lakeshore Hotel Chicago",
            billed_to="Northwind Solutions",
            lines=[("Breakfast briefing, 40 guests", Decimal("4500"))],
        )
    )
    return path


def test_rep_requests_cam_approves_part_rep_claims_cam_approves_ops_pays_rep_sees_roi(
    browser: Browser, demo, tmp_path
):
    acme = Tenant.objects.get(slug="acme")
    today = tenant_today(acme)
    proof = proof_pdf(tmp_path, acme)

    # 1. The rep opens Funds from the portal's navigation and starts a request in Acme's fund.
    rep = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = {"rep": watch(rep)}
    sign_in(rep, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    rep.get_by_role("navigation").get_by_role("link", name="Funds").first.click()
    expect(rep.get_by_role("heading", level=1)).to_have_text("Market development funds")
    shoot(rep, "mdf-01-rep-funds")
    # the fund of this quarter is the one whose window is open
    rep.locator("main").get_by_role("link", name="Request funds").click()
    expect(rep.get_by_role("heading", level=1)).to_contain_text("Request funds from Co-marketing")
    expect(rep.locator("main")).to_contain_text(f"your company has {usd('6000')} available")

    # 2. The standard questions, then the fund's own, and submit.
    rep.get_by_label("Activity type").select_option(label="Event")
    rep.get_by_label("Campaign title").fill(TITLE)
    rep.get_by_label("Description").fill("A breakfast briefing on Acme Cloud for 40 IT leaders.")
    rep.get_by_label("Target audience").fill("IT directors of mid-market firms in Chicago")
    rep.get_by_label("Activities and channels").fill("Hotel breakfast; invitation mailing")
    rep.get_by_label("Activity starts").fill(today.isoformat())
    rep.get_by_label("Activity ends").fill(today.isoformat())
    rep.get_by_label("Expected leads").fill("25")
    rep.get_by_label("Expected pipeline (USD)").fill("120000")
    rep.get_by_label("Amount requested (USD)").fill("5000")
    questions = rep.locator("#fund-questions")
    questions.get_by_label("Which of our products will the campaign feature?").fill(
        "Acme Cloud Suite"
    )
    questions.get_by_label("Campaign region").select_option("North America")
    questions.get_by_label("How many of the expected attendees are existing customers (%)?").fill(
        "30"
    )
    shoot(rep, "mdf-02-rep-request-form")
    rep.get_by_role("button", name="Submit request").click()
    expect(rep.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(rep.locator("#decision-note")).to_contain_text("Waiting for your account manager")
    expect(rep.locator("main")).to_contain_text("North America")

    # 3. The CAM finds it in the request queue and approves 4,000 of it with a reason.
    cam = browser.new_page(viewport={"width": 1366, "height": 900})
    problems["cam"] = watch(cam)
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", "/admin/mdf/mdfrequest/"))
    shoot(cam, "mdf-03-cam-queue")
    cam.locator("tr", has_text=TITLE).get_by_role("link").first.click()
    expect(cam.locator("#content")).to_contain_text("Acme Cloud Suite")  # the fund's answers
    cam.locator("#request-approve").click()
    amount = cam.get_by_label("Amount to approve")
    expect(amount).to_have_value(re.compile(r"^5000(\.00)?$"))
    amount.fill("4000")
    cam.get_by_label("Reason").fill(REASON)
    cam.locator("#approve-submit").click()
    expect(cam.locator(".messagelist")).to_contain_text(TITLE)

    # 4. The rep reads the amount and the reason, and files a claim with a PDF proof.
    rep.reload()
    note = rep.locator("#decision-note")
    expect(note).to_contain_text(f"Approved for {usd('4000')} of the {usd('5000')} requested")
    expect(note).to_contain_text(REASON)
    shoot(rep, "mdf-04-rep-request-approved")
    rep.locator("main").get_by_role("link", name="File a claim").first.click()
    rep.get_by_label("Actual spend (USD)").fill("4500")
    rep.get_by_label("Leads", exact=True).fill("31")
    rep.get_by_label("Attendees", exact=True).fill("38")
    rep.get_by_label("Results").fill("38 guests came; 31 asked for a follow-up call.")
    deal = rep.locator("label.form-check-label").first
    # "DR-000011 · Coho Winery (Approved)": the customer's name is what the claim page repeats
    customer = deal.inner_text().split(" · ", 1)[1].rsplit(" (", 1)[0].strip()
    deal.click()
    rep.get_by_label("Add a proof of performance").set_input_files(proof)
    shoot(rep, "mdf-05-rep-claim-form")
    rep.get_by_role("button", name="Submit claim").click()
    expect(rep.locator("main")).to_contain_text("is submitted")
    expect(rep.locator("main")).to_contain_text(STORED_AS)
    expect(rep.locator("main")).to_contain_text(customer)

    # 5. The CAM approves the claim: the page shows min(4,000, 80 % of 4,500).
    cam.goto(demo("acme.localhost", "/admin/mdf/claim/?status=submitted"))
    cam.locator("tr", has_text=TITLE).get_by_role("link").first.click()
    expect(cam.locator("#claim-cap")).to_contain_text(
        f"Reimbursable up to {usd('3600')}: the smaller of the approved {usd('4000')} and "
    )
    expect(cam.locator("#claim-cap")).to_contain_text(f"of the actual spend of {usd('4500')}")
    expect(cam.locator("#claim-proofs")).to_contain_text(STORED_AS)
    shoot(cam, "mdf-06-cam-claim")
    cam.locator("#claim-approve").click()
    expect(cam.get_by_label("Amount to reimburse")).to_have_value(re.compile(r"^3600(\.00)?$"))
    cam.get_by_role("button", name=re.compile("Approve")).click()
    expect(cam.locator(".messagelist")).to_be_visible()

    # 6. Ops marks it paid from the payments page (the claims due, one by one).
    ops = browser.new_page(viewport={"width": 1366, "height": 900})
    problems["ops"] = watch(ops)
    sign_in(ops, demo("acme.localhost", "/accounts/login/?next=/admin/"), "ops@acme.test")
    ops.goto(demo("acme.localhost", "/admin/mdf/paymentbatch/"))
    expect(ops.locator("#due-claims")).to_be_visible()
    shoot(ops, "mdf-07-ops-payments")
    ops.locator("#due-claims").get_by_role("link", name="claims due").click()
    ops.locator("tr", has_text=TITLE).get_by_role("link").first.click()
    ops.locator("#claim-pay").click()
    ops.get_by_label("Paid on").fill(today.isoformat())
    ops.get_by_label("Payment reference").fill(REFERENCE)
    ops.locator("#claim-pay-submit").click()
    expect(ops.locator(".messagelist")).to_contain_text(
        "is paid; the partner sees the day and the reference"
    )

    # 7. The rep reads "Paid on <date>, reference <ref>" and the campaign's ROI.
    rep.goto(demo("acme.localhost", "/funds/"))
    rep.get_by_role("link", name=TITLE).click()
    expect(rep.locator("#paid-line")).to_contain_text(re.compile(r"Paid on .+, reference"))
    expect(rep.locator("#paid-line")).to_contain_text(REFERENCE)
    expect(rep.locator("#paid-line")).to_contain_text(usd("3600"))
    roi = rep.locator("#roi")
    expect(roi).to_contain_text(usd("3600"))  # the spend: what Acme paid
    expect(roi).to_contain_text("31")  # the leads the claim reported
    shoot(rep, "mdf-08-rep-paid-roi")
    assert problems == {"rep": [], "cam": [], "ops": []}  # no CSP violation, no script error

    # The database tells the same story, and the ledger adds up.
    with scope(tenant=acme):
        mdf_request = MdfRequest.objects.get(title=TITLE)
        assert mdf_request.status == MdfRequest.Status.APPROVED
        assert mdf_request.amount == Decimal("5000")
        assert mdf_request.approved_amount == Decimal("4000")
        assert mdf_request.decision_reason == REASON
        assert mdf_request.owner.user.email == "rep@northwind.test"
        assert mdf_request.answers.count() == 3
        claim = Claim.objects.get(request=mdf_request)
        assert claim.status == Claim.Status.PAID
        assert claim.actual_spend == Decimal("4500")
        assert claim.approved_amount == Decimal("3600")
        assert claim.payment_reference == REFERENCE
        assert claim.paid_on == today
        assert claim.proofs.count() == 1
        assert claim.proofs.get().name == STORED_AS
        assert mdf_request.campaign_deals.count() == 1
        allocation = Allocation.objects.get(pk=mdf_request.allocation_id)
        assert ledger.movements_add_up(allocation)
        # what is left of the 4,000 approved went back to the allocation when the claim was
        # settled: 3,600 reimbursed, 400 available again
        assert allocation.reimbursed >= Decimal("3600")
        assert allocation.available == Decimal("6000") - Decimal("3600")
