"""Notifications as a person sees them: the inviter's bell lights up while they look at it."""

import re

import pytest
from playwright.sync_api import Page, expect

from prm.tenancy.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_accepted_invitation_lights_the_inviters_bell_without_a_reload(
    page: Page, browser, demo, mailoutbox, settings
):
    settings.NOTIFICATION_POLL_SECONDS = 1
    page.goto(demo("acme.localhost", "/accounts/login/?next=/admin/"))
    page.get_by_label("Email").fill("leader@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.goto(demo("acme.localhost", "/admin/accounts/invitation/add/"))
    page.get_by_label("Email address").fill("nick@northwind.test")
    page.get_by_label("Role").select_option(label="Partner rep")
    page.get_by_label("Partner company").select_option(label="Northwind Solutions")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messagelist")).to_contain_text("Invitation sent to nick@northwind.test")

    page.goto(demo("acme.localhost", "/admin/"))
    bell = page.locator("#bell-count")
    before = int(bell.inner_text().split()[0] or 0) if bell.is_visible() else 0

    invitation = next(m for m in mailoutbox if m.to == ["nick@northwind.test"])
    link = re.search(r"http://acme\.localhost:8000(/invitations/\S+/)", invitation.body).group(1)
    invitee = browser.new_context().new_page()
    invitee.goto(demo("acme.localhost", link))
    invitee.get_by_label("Your full name").fill("Nick Newbie")
    invitee.get_by_label("Choose a password").fill("Str0ng-passphrase-2026")
    invitee.get_by_label("Password again").fill("Str0ng-passphrase-2026")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.locator("main")).to_contain_text("Northwind Solutions")

    # The leader's page was not reloaded: htmx polled the count and swapped the badge.
    expect(page.locator("#bell-count")).to_have_text(
        re.compile(rf"^{before + 1}\b"), timeout=10_000
    )
    page.locator("#prm-bell").click()
    expect(page.locator("#content-main")).to_contain_text("Nick Newbie accepted your invitation")
    assert any(
        m.to == ["leader@acme.test"] and m.subject == "Nick Newbie accepted your invitation"
        for m in mailoutbox
    )
