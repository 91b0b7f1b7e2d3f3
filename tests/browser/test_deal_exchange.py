"""A partner attaches a quote to a registration and asks a question; the CAM, told in the admin
UI, sees both on the decision screen, downloads the quote and answers; the partner reads the
answer on the registration (Chromium at 1366 px)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from deals.demo import quote_pdf

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
QUESTION = "Can the protection start from the customer's RFP date?"
ANSWER = "Yes, I noted it on the registration. Good luck!"


def test_partner_attaches_a_quote_and_asks_the_cam_sees_both_and_answers(browser: Browser, demo):
    # 1. The rep opens a registration waiting for a decision and attaches the quote.
    quote = quote_pdf(
        number="Q-2026-0188",
        partner_name="Northwind Solutions",
        customer_name="Proseware Retail",
        issued=date(2026, 3, 2),
        lines=[("Acme Cloud Suite, 60 seats", Decimal("54000.00"))],
        currency="USD",
    )
    rep = browser.new_page(viewport=LAPTOP)
    sign_in(rep, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    rep.goto(demo("acme.localhost", "/deals/?q=Proseware"))
    rep.get_by_role("link", name=re.compile("DR-")).first.click()
    expect(rep.get_by_role("heading", level=1)).to_contain_text("Proseware Retail")
    files = rep.locator("#attachments")
    expect(files).to_contain_text("No files yet")
    files.get_by_label("Type").select_option(label="Quote")
    files.get_by_label("Description (optional)").fill("Final offer")
    files.get_by_label("File").set_input_files(
        {
            "name": "Proseware quote.pdf",
            "mimeType": "application/pdf",
            "buffer": quote,
        }
    )
    files.get_by_role("button", name="Attach the file").click()
    expect(rep.get_by_role("alert")).to_contain_text("Proseware_quote.pdf is attached")
    expect(rep.locator("#attachment-list")).to_contain_text("Proseware_quote.pdf")
    expect(rep.locator("#attachment-list")).to_contain_text("Final offer")

    # 2. ...and asks the CAM a question in the registration's thread.
    thread = rep.locator("#comments")
    thread.get_by_label("Your comment").fill(QUESTION)
    thread.get_by_role("button", name="Post the comment").click()
    expect(rep.locator("#comment-list")).to_contain_text(QUESTION)
    assert re.search(r"#comment-\d+$", rep.url)

    # 3. The CAM is told, and the notification leads to the thread on the decision screen.
    cam = browser.new_page(viewport=LAPTOP)
    sign_in(cam, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    cam.goto(demo("acme.localhost", "/notifications/"))
    cam.get_by_role("link", name=re.compile("commented on Proseware Retail")).first.click()
    expect(cam.locator("#comments")).to_contain_text(QUESTION)
    expect(cam.locator("#attachments")).to_contain_text("Proseware_quote.pdf")
    expect(cam.locator("#attachments")).to_contain_text("Final offer")

    # 4. The CAM downloads the quote: the very PDF the rep attached.
    with cam.expect_download() as download:
        cam.locator("#attachments").get_by_role("link", name="Proseware_quote.pdf").click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as saved:
        assert saved.read() == quote
    assert download.value.suggested_filename == "Proseware_quote.pdf"

    # 5. The CAM answers in the thread.
    cam.locator("#comments").get_by_label("Your comment").fill(ANSWER)
    cam.locator("#comments").get_by_role("button", name="Post the comment").click()
    expect(cam.locator(".messagelist")).to_contain_text("Your comment is posted")
    expect(cam.locator("#comment-list")).to_contain_text(ANSWER)

    # 6. The rep is told and reads the answer under the question, newest last.
    rep.goto(demo("acme.localhost", "/notifications/"))
    rep.get_by_role("link", name=re.compile("New comment on Proseware Retail")).first.click()
    comments = rep.locator("#comment-list li")
    expect(comments.last).to_contain_text(ANSWER)
    expect(comments.last).to_contain_text("Carla Cam")
