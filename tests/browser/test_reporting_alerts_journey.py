"""Issue 17's alert journey in Chromium, on the demo.

A partner of cam@acme.test goes quiet: Quiet Harbour, assigned to them, with no registration
and no sign-in. The hourly sweep runs (as beat would): the seeded rule "A partner with no deal
or login for 60 days" fires for it. The CAM's bell counts it, the notification says which rule
and partner, the email went out (the test's mail folder), and the CAM opens the alert from the
notification and acknowledges it on its confirm page; the alert's history shows it. A second
sweep tells nobody again. Every page runs under its Content-Security-Policy without a violation
or a script error.

Screenshots at 1366 and 390 pixels wide go to $JOURNEY_SHOTS when it is set."""

import re

import pytest
from django_scopes import scope
from guardian.shortcuts import assign_perm
from playwright.sync_api import Browser, expect

from partners.models import Partner
from prm.notifications.models import Notification
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from reporting.alerts.sweep import sweep_tenant
from reporting.models import Alert

from .test_content_security_policy import watch
from .test_sign_in import sign_in
from .test_training_journey import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULE = "A partner with no deal or login for 60 days"


def test_an_alert_fires_for_the_cam_who_sees_it_in_the_bell_and_email_and_acknowledges(
    browser: Browser, demo, mailoutbox
):
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        cam = Membership.objects.get(tenant=acme, user__email="cam@acme.test", role=Role.CAM)
        # the demo's sweeps left the CAM and the leader open and resolved alerts
        for email in ("cam@acme.test", "leader@acme.test"):
            member = Membership.objects.get(tenant=acme, user__email=email)
            theirs = Alert.objects.filter(tenant=acme, owner_ids__contains=[member.pk])
            assert theirs.filter(state=Alert.State.RESOLVED).exists(), email
            assert theirs.exclude(state=Alert.State.RESOLVED).exists(), email
        quiet = Partner.objects.create(
            tenant=acme, name="Quiet Harbour", status=Partner.Status.ACTIVE
        )
        assign_perm(MANAGE_PARTNER, cam.user, quiet)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    sign_in(page, demo("acme.localhost", "/accounts/login/?next=/admin/"), "cam@acme.test")
    expect(page.locator("#content-main")).to_be_visible()
    bell = page.locator("#bell-count")
    before = int(bell.inner_text().split()[0] or 0) if bell.is_visible() else 0

    with scope(tenant=acme):
        result = sweep_tenant(acme)
        alert = Alert.objects.get(pk__in=result.fired, partner=quiet)
        assert alert.owner_ids == [cam.pk]

    # the email went out to the CAM, once
    emails = [m for m in mailoutbox if m.to == ["cam@acme.test"] and "Quiet Harbour" in m.subject]
    assert len(emails) == 1
    assert RULE in emails[0].subject

    page.reload()
    expect(page.locator("#bell-count")).to_have_text(re.compile(rf"^{before + 1}\b"))
    page.locator("#prm-bell").click()
    note = page.locator("#content-main").get_by_text(f"Alert: {RULE} — Quiet Harbour").first
    expect(note).to_be_visible()
    shoot(page, "alerts-01-cam-bell")
    note.click()

    expect(page.locator("#alert-summary")).to_contain_text("Quiet Harbour")
    expect(page.locator("#alert-history")).to_contain_text("Fired")
    shoot(page, "alerts-02-alert-page")
    page.locator("#alert-acknowledge").click()
    page.get_by_label("Note").fill("Calling them this week")
    shoot(page, "alerts-03-acknowledge")
    page.get_by_role("button", name="Acknowledge the alert").click()
    expect(page.locator(".messagelist")).to_contain_text("You acknowledged the alert")
    expect(page.locator("#alert-state")).to_contain_text("Acknowledged")
    expect(page.locator("#alert-history")).to_contain_text("Calling them this week")
    shoot(page, "alerts-04-acknowledged")

    # the alerts list shows it, acknowledged; a second sweep tells nobody again
    page.goto(demo("acme.localhost", "/admin/reporting/alert/?mine=1"))
    expect(page.locator("#result_list")).to_contain_text("Quiet Harbour")
    shoot(page, "alerts-05-list")
    with scope(tenant=acme):
        assert sweep_tenant(acme).fired == []
        assert (
            Notification.objects.filter(
                recipient=cam.user, event="reporting.alert.fired", subject_id=str(alert.pk)
            ).count()
            == 1
        )
    assert problems == []  # no CSP violation, no script error
