"""The CAM's queue on a 1366 px laptop: the key columns (status, decision target, conflict) are
in view without scrolling sideways, and the introduction says what the list shows, with the
export button beside it rather than over it."""

import pytest
from playwright.sync_api import Browser, expect

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_COLUMNS = ("Status", "Decision target", "Conflict")


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def test_the_queue_shows_its_key_columns_and_an_honest_introduction_at_1366_px(
    browser: Browser, demo
):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    page.goto(demo("acme.localhost", "/admin/deals/deal/"))

    # The demo's CAM has five registrations waiting: the introduction says so.
    intro = page.locator("#queue-intro")
    expect(intro).to_contain_text("5 registrations wait for a decision")
    expect(intro).not_to_contain_text("Nothing is waiting")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)

    # No sideways scrolling, of the page or of the table.
    results = page.locator("#changelist .results")
    widths = results.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    visible = _box(results)
    for label in KEY_COLUMNS:
        header = _box(page.locator("#result_list thead th", has_text=label))
        assert header["x"] + header["width"] <= visible["x"] + visible["width"] + 1, label

    # The conflict shows on both registrations of Coho Winery.
    expect(
        page.locator("tr", has_text="Coho Winery AG").locator(".field-conflict_text")
    ).to_have_text("conflict")
    earlier = page.locator("tr", has_text="cohowinery.example").filter(has_not_text="Winery AG")
    expect(earlier.locator(".field-conflict_text")).to_have_text("contested")

    # The export button and the introduction do not overlap.
    button = _box(page.locator("#csv-export"))
    text = _box(intro)
    apart = (
        button["x"] >= text["x"] + text["width"]
        or button["y"] >= text["y"] + text["height"]
        or button["x"] + button["width"] <= text["x"]
    )
    assert apart, (button, text)
