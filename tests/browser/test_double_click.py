"""Clicking "Save draft" twice while the server is still working makes one draft: the page
disables its buttons once the form is sent (static/js/forms.js), and without JavaScript, when
the browser sends the form twice, the server handles its one-time token once (prm.submissions).

The server is made slow (a second per save), so that the second click comes while the first
request is still being handled, as it does for a person on a slow day.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import Browser, Page, expect

from deals.models import Deal
from prm.tenancy.models import Tenant

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _double_click_save_draft(page: Page, demo, customer: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(demo("acme.localhost", "/deals/new/"))
    page.get_by_label("Customer company name").fill(customer)
    page.get_by_label("Customer country").select_option("US")
    page.get_by_label("Contact name").fill("Ada Datum")
    page.get_by_label("Contact email").fill("ada@adatum.example")
    page.get_by_label("Acme Cloud Suite").check()
    page.get_by_label("Amount").fill("42000")
    close = (timezone.localdate() + timedelta(days=60)).isoformat()
    page.get_by_label("Expected close date").fill(close)
    button = page.get_by_role("button", name="Save draft")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)  # the first request is at the server now
    page.mouse.click(x, y)  # a mouse click: on a disabled button it does nothing
    expect(page.get_by_role("heading", level=1)).to_contain_text(customer)


def _drafts(customer: str) -> int:
    tenant = Tenant.objects.get(slug="acme")
    with scope(tenant=tenant):
        return Deal.objects.filter(tenant=tenant, customer_name=customer).count()


@pytest.fixture
def slow_save(monkeypatch):  # type: ignore[no-untyped-def]
    from deals.views import registration

    saving = registration.deal_save

    def slowly(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1)
        return saving(**kwargs)

    monkeypatch.setattr(registration, "deal_save", slowly)


def test_a_second_click_on_save_draft_makes_no_second_draft_with_or_without_javascript(
    browser: Browser, demo, slow_save
):
    page = browser.new_page()
    sign_in(page, demo("acme.localhost", "/accounts/login/"), "rep@northwind.test")
    _double_click_save_draft(page, demo, "Datum Corporation")
    assert _drafts("Datum Corporation") == 1

    # Without JavaScript both clicks send the form; its token makes it one draft.
    cookies = page.context.cookies()
    bare = browser.new_context(java_script_enabled=False)
    bare.add_cookies(cookies)
    _double_click_save_draft(bare.new_page(), demo, "Trey Research")
    assert _drafts("Trey Research") == 1
    bare.close()
