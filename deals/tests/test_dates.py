"""One date per fact: a registration's submitted day and protection end read the same in the
list, on its page, in its history and in its notifications; the partner sees when a decision is
overdue and when another partner registered the same customer later.

Why an approval notice once said March 6 while the list said December 12: the demo approved the
registration (the notice was written: protected for 90 days) and then moved its protection end
to 6 days from now with an UPDATE, which no notice followed. The demo now plays each step at the
moment it happened. A second way dates could differ: a notice's date was written in whatever time
zone the emitting code ran in (UTC in beat or the demo) while pages show the program's."""

import subprocess
from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal
from deals.tests.factories import registered
from prm.audit.models import AuditEvent
from prm.dates import format_day
from prm.notifications.models import Notification
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def day_in(tenant: Tenant, value) -> str:
    with timezone.override(tenant.time_zone):
        return format_day(value)


def test_the_approval_notice_dates_the_protection_in_the_programs_time_zone(ours, host_client):
    ours.tenant.time_zone = "Pacific/Auckland"  # 13 hours ahead of UTC in December
    ours.tenant.save()
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        deal = registered(rep)
    # 20:00 UTC is already tomorrow morning in Auckland, and so is the end of the protection.
    evening = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    with scope(tenant=ours.tenant), mock.patch.object(timezone, "now", return_value=evening):
        deal = services.deal_approve(actor=ours.members[Role.CAM], deal=deal)
    local_end = day_in(ours.tenant, deal.expires_at)
    assert local_end != format_day(deal.expires_at)  # the UTC day differs: the test can fail
    with scope(tenant=ours.tenant):
        notice = Notification.objects.get(recipient=rep.user, event="deals.deal.approved")
    assert notice.body == f"Your registration is protected until {local_end}."
    client = host_client(ours.host, rep)
    assert f"Protected until {local_end}" in client.get("/deals/").content.decode()
    assert f"protected for your company until {local_end}" in (
        client.get(f"/deals/{deal.pk}/").content.decode()
    )


def test_the_submitted_day_is_the_same_in_the_list_the_header_and_the_history(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        draft = registered(rep, submit=False)
    # Drafted earlier, submitted today: the day that counts is the submission's.
    drafted = timezone.now() - timedelta(days=9)
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=draft.pk).update(created_at=drafted)
        deal = services.deal_submit(actor=rep, deal=draft)
        audited = AuditEvent.objects.get(action="deals.deal.submitted", object_id=str(deal.pk))
    day = day_in(ours.tenant, deal.submitted_at)
    assert day == day_in(ours.tenant, audited.created_at)
    client = host_client(ours.host, rep)
    row = client.get("/deals/").content.decode()
    row = row[row.index(deal.reference) : row.index("</tr>", row.index(deal.reference))]
    assert day in row
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    header = page[
        page.index('id="deal-dates"') : page.index("</span>", page.index('id="deal-dates"'))
    ]
    assert f"Submitted on {day}" in header
    history = page[page.index('id="timeline-heading"') :]
    assert day in history
    assert day_in(ours.tenant, drafted) not in header


def test_the_partner_sees_when_a_decision_is_overdue(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        late = registered(rep, customer_name="Late Decision Co", customer_website="late.example")
        on_time = registered(rep, customer_name="On Time Co", customer_website="ontime.example")
        Deal.objects.filter(pk=late.pk).update(
            sla_due_at=timezone.now() - timedelta(days=2), escalation_level=1
        )
    client = host_client(ours.host, rep)
    listing = client.get("/deals/").content.decode()
    late_row = listing[
        listing.index(late.reference) : listing.index("</tr>", listing.index(late.reference))
    ]
    on_time_row = listing[
        listing.index(on_time.reference) : listing.index("</tr>", listing.index(on_time.reference))
    ]
    assert "Decision overdue since" in late_row
    assert "Decision due" in on_time_row
    assert "overdue" not in on_time_row
    page = client.get(f"/deals/{late.pk}/").content.decode()
    assert 'id="decision-overdue"' in page
    assert "Your account manager has been reminded." in page
    assert 'id="decision-overdue"' not in client.get(f"/deals/{on_time.pk}/").content.decode()
    home = client.get("/").content.decode()
    assert "1 decision is overdue at the vendor" in home


def test_the_earlier_registration_of_a_conflict_tells_its_partner_without_naming_the_other(
    ours, host_client
):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        earlier = registered(rep)
        later = registered(ours.other_partner_rep)
    client = host_client(ours.host, rep)
    page = client.get(f"/deals/{earlier.pk}/").content.decode()
    assert 'id="contested"' in page
    assert "Another partner registered this customer after you" in page
    assert "first valid registration wins" in page
    assert ours.other_partner.name not in page
    assert later.reference not in page
    assert "free to register" not in page  # not the pre-check's "clear"
    listing = client.get("/deals/").content.decode()
    assert ">Contested<" in listing
    # The later registration's partner sees it under review, as before.
    other = host_client(ours.host, ours.other_partner_rep).get(f"/deals/{later.pk}/")
    assert "Under review" in other.content.decode()
    assert 'id="contested"' not in other.content.decode()


def test_the_demo_tells_one_story_per_registration(host_client):
    """The demo's expiring registration: its approval notice, the list and its page give one
    protection end, 6 days away; its overdue registration was submitted 7 days ago everywhere."""
    call_command("seed_demo", stdout=StringIO())
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        expiring = Deal.objects.get(customer_name="Graphic Design Institute")
        overdue = Deal.objects.get(customer_name="Proseware Retail")
        notice = Notification.objects.filter(
            event="deals.deal.approved", title__contains=expiring.reference
        ).first()
        submitted = AuditEvent.objects.get(action="deals.deal.submitted", object_id=str(overdue.pk))
        from prm.tenancy.models import Membership

        rep = Membership.objects.get(tenant=acme, user__email="rep@northwind.test")
    end = day_in(acme, expiring.expires_at)
    assert expiring.expires_at - timezone.now() < timedelta(days=7)
    assert notice is not None
    assert end in notice.body
    client = host_client("acme.localhost", rep)
    assert f"Protected until {end}" in client.get("/deals/").content.decode()
    assert day_in(acme, overdue.submitted_at) == day_in(acme, submitted.created_at)
    assert timezone.now() - overdue.submitted_at > timedelta(days=6)
    assert overdue.sla_due_at < timezone.now()


def test_the_demo_has_a_registration_with_a_quote_and_a_short_exchange(host_client):
    """Blue Yonder Airlines: the rep attached a real PDF quote; the CAM asked, the rep answered;
    the CAM has the answer unread, with a link to the thread."""
    from deals.models import DealAttachment, DealComment

    call_command("seed_demo", stdout=StringIO())
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        deal = Deal.objects.get(customer_name="Blue Yonder Airlines")
        attachment = DealAttachment.objects.get(deal=deal)
        comments = list(DealComment.objects.filter(deal=deal).order_by("created_at"))
        from prm.tenancy.models import Membership

        cam = Membership.objects.get(tenant=acme, user__email="cam@acme.test")
        unread = Notification.objects.filter(
            recipient=cam.user, event="deals.deal.partner_commented", read_at__isnull=True
        )
        assert unread.count() == 1
    with attachment.file.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    # Rendered by prm.pdf from deals/templates/deals/demo/quote_pdf.html: text, not a picture.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Quote Q-2026-0142" in text
    assert "Blue Yonder Airlines" in text
    assert attachment.size == len(content)
    assert [c.author.is_vendor_staff for c in comments] == [True, False]
    client = host_client("acme.localhost", cam)
    screen = client.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    assert attachment.name in screen
    assert comments[1].body in screen
