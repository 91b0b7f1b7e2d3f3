"""Freezing: a final review's PDF reads the same (pdftotext) after everything it shows changed —
a deal won in its quarter, the partner renamed and moved to another tier, its action item done,
its CAM's name — even when it is rendered again from its snapshot rather than served from the
kept file. The control: a draft refreshed after the same changes reads differently."""

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.models import Tier
from prm.tenancy.roles import Role
from reporting.models import Qbr, QbrSnapshot
from reporting.qbrs import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_reviews(ours):
    """The shared world's reviews left out (rolled back after each test), so that each test
    opens the reviews it reads."""
    with scope(tenant=ours.tenant):
        Qbr.objects.filter(tenant=ours.tenant).delete()


def text_of(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def change_everything(world, qbr, item):
    DealFactory(
        partner=world.partner,
        owner=world.members[Role.PARTNER_REP],
        status=Deal.Status.WON,
        amount=Decimal("98765.00"),
        won_amount=Decimal("98765.00"),
        currency=world.tenant.default_currency,
        submitted_at=timezone.now() - timedelta(days=150),
        closed_on=qbr.period_start + timedelta(days=4),
        customer_name="Late Arrival Ltd",
    )
    world.partner.name = "Renamed Partner Inc"
    world.partner.tier = Tier.objects.create(tenant=world.tenant, name="Platinum", rank=9)
    world.partner.save()
    services.action_item_track(actor=world.members[Role.CAM], item=item, status="done")


def test_a_final_reviews_pdf_text_is_unchanged_by_later_changes(
    world, django_capture_on_commit_callbacks
):
    cam = world.members[Role.CAM]
    day = services.quarter_of(world.tenant, timezone.localdate()).start - timedelta(days=1)
    qbr = services.qbr_open(actor=cam, partner=world.partner, day=day)
    services.qbr_notes_update(actor=cam, qbr=qbr, highlights="A steady quarter.", roadblocks="")
    item = services.action_item_add(
        actor=cam,
        qbr=qbr,
        title="Plan the spring campaign",
        owner=world.members[Role.PARTNER_ADMIN],
        due_on=timezone.localdate() + timedelta(days=14),
    )
    with django_capture_on_commit_callbacks(execute=True):
        final = services.qbr_finalise(actor=cam, qbr=qbr, held_on=timezone.localdate())
    snapshot = services.latest_snapshot(final)
    assert snapshot.pdf  # kept by the task on commit
    before = text_of(services.qbr_pdf(qbr=final))
    assert "A steady quarter." in before
    assert "Plan the spring campaign" in before

    change_everything(world, final, item)

    kept = text_of(services.qbr_pdf(qbr=final))
    QbrSnapshot.objects.filter(pk=snapshot.pk).update(pdf="")  # render again from the snapshot
    rendered = text_of(services.qbr_pdf(qbr=final))
    assert kept == before
    assert rendered == before
    assert "Renamed Partner Inc" not in rendered
    assert "Late Arrival Ltd" not in rendered


def test_a_draft_refreshed_after_the_same_changes_reads_differently(world):
    cam = world.members[Role.CAM]
    day = services.quarter_of(world.tenant, timezone.localdate()).start - timedelta(days=1)
    qbr = services.qbr_open(actor=cam, partner=world.partner, day=day)
    item = services.action_item_add(
        actor=cam, qbr=qbr, title="Plan the spring campaign", owner=cam, due_on=timezone.localdate()
    )
    before = text_of(services.qbr_pdf(qbr=qbr))
    change_everything(world, qbr, item)
    services.qbr_refresh(actor=cam, qbr=qbr)
    after = text_of(services.qbr_pdf(qbr=qbr))
    assert after != before
    assert "Late Arrival Ltd" in after
