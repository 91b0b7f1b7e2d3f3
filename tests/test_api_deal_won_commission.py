"""A deal marked won through the REST API accrues its commission exactly as the admin UI's "Mark
won" does: the same service, the same event, the same ledger line; only the actor differs (the
API key)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.models import Line
from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import api_client_for, host_client_for

pytestmark = pytest.mark.django_db


def twin(world) -> Deal:
    """An approved registration of partner A; two calls give two alike."""
    now = timezone.now()
    return DealFactory(
        partner=world.partner,
        owner=world.members[Role.PARTNER_REP],
        status=Deal.Status.APPROVED,
        holds_claim=False,
        amount=Decimal("40000"),
        currency="EUR",
        approved_at=now,
        expires_at=now + timedelta(days=30),
    )


def ledger(deal: Deal) -> list[tuple]:
    """The deal's commission lines as what they are worth (a SPIF campaign may add its own)."""
    return [
        (line.amount, line.currency, line.state, line.basis.get("rate"), line.plan_version_id)
        for line in Line.objects.filter(deal=deal).exclude(source=Line.Source.SPIF).order_by("id")
    ]


def test_a_deal_won_through_the_api_accrues_as_one_won_in_the_admin_ui(ours):
    with scope(tenant=ours.tenant):
        by_ui, by_api = twin(ours), twin(ours)
    closed_on = (timezone.localdate() - timedelta(days=1)).isoformat()

    cam = host_client_for(ours.host, ours.members[Role.CAM])
    response = cam.post(f"/admin/deals/deal/{by_ui.pk}/won/",
                        {"amount": "12500.00", "closed_on": closed_on})  # fmt: skip
    assert response.status_code == 302
    response = api_client_for(ours).post(
        f"/api/v1/deals/{by_api.pk}/won/",
        {"amount": "12500.00", "closed_on": closed_on},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content

    with scope(tenant=ours.tenant):
        ui_lines, api_lines = ledger(by_ui), ledger(by_api)
        [ui_event] = AuditEvent.objects.filter(action="deals.deal.won", object_id=by_ui.pk)
        [api_event] = AuditEvent.objects.filter(action="deals.deal.won", object_id=by_api.pk)
    assert len(api_lines) == 1
    assert api_lines == ui_lines
    assert api_lines[0][0] > 0
    assert ui_event.actor == ours.members[Role.CAM].user
    assert api_event.actor == ours.api_key.membership.user
    assert api_event.actor.get_full_name() == "API key “CRM sync”"
    assert api_event.after == ui_event.after
