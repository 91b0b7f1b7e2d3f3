"""Agreements: sanitized versions, acceptance by partner admins, re-acceptance, the gate."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from partners.agreements.selectors import agreement_gate, current_agreement
from partners.agreements.services import agreement_accept, agreement_publish
from partners.models import AgreementAcceptance
from partners.tests.factories import set_partner_settings
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

EVIL = (
    '<h2>Terms</h2><p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x()">a</a></p>'
)


def publish(world, title="Agreement", body="<p>Terms</p>"):
    with scope(tenant=world.tenant):
        return agreement_publish(actor=world.members[Role.PARTNER_OPS], title=title, body_html=body)


@pytest.mark.django_db
def test_publishing_sanitizes_numbers_versions_and_asks_partner_admins(ours):
    v2 = publish(ours, body=EVIL)
    assert v2.version == 2  # the world holds version 1
    assert "<script" not in v2.body_html
    assert "onclick" not in v2.body_html
    assert "javascript:" not in v2.body_html
    assert "<h2>Terms</h2>" in v2.body_html
    with scope(tenant=ours.tenant):
        told = {
            n.recipient for n in Notification.objects.filter(event="partners.agreement.published")
        }
    assert told == {ours.members[Role.PARTNER_ADMIN].user, ours.other_partner_admin.user}


@pytest.mark.django_db
def test_a_partner_admin_accepts_and_who_when_version_and_ip_are_kept(ours, host_client):
    v2 = publish(ours)
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    page = client.get("/program/agreement/").content.decode()
    assert "has not accepted this version yet" in page
    refused = client.post("/program/agreement/", {})
    assert refused.status_code == 200
    assert 'id="id_confirm_error"' in refused.content.decode()
    assert client.post("/program/agreement/", {"confirm": "on"}).status_code == 302
    with scope(tenant=ours.tenant):
        acceptance = AgreementAcceptance.objects.get(agreement=v2)
        assert acceptance.partner == ours.partner
        assert acceptance.accepted_by == ours.members[Role.PARTNER_ADMIN].user
        assert acceptance.ip_address == "127.0.0.1"
        assert AuditEvent.objects.filter(action="partners.agreement.accepted").exists()
        cams = {
            n.recipient for n in Notification.objects.filter(event="partners.agreement.accepted")
        }
    assert cams == {ours.members[Role.CAM].user}
    assert "Accepted for your company by" in client.get("/program/agreement/").content.decode()


@pytest.mark.django_db
def test_a_new_version_must_be_accepted_again_and_the_gate_follows(ours):
    set_partner_settings(ours.tenant, require_agreement=True)
    with scope(tenant=ours.tenant):
        assert agreement_gate(ours.partner)  # accepted version 1 in the world
        assert not agreement_gate(ours.other_partner)
    publish(ours, title="Agreement 2027")
    with scope(tenant=ours.tenant):
        assert not agreement_gate(ours.partner)
        set_partner_settings(ours.tenant, require_agreement=False)
        assert agreement_gate(ours.other_partner)  # not required: open


@pytest.mark.django_db
def test_only_partner_admins_accept_only_the_current_version_and_only_once(ours):
    old = ours.agreement
    current = publish(ours)
    with scope(tenant=ours.tenant):
        with pytest.raises(PermissionDenied):
            agreement_accept(actor=ours.members[Role.PARTNER_REP], agreement=current)
        with pytest.raises(PermissionDenied):
            agreement_accept(actor=ours.members[Role.CAM], agreement=current)
        with pytest.raises(ValidationError):
            agreement_accept(actor=ours.members[Role.PARTNER_ADMIN], agreement=old)
        agreement_accept(actor=ours.members[Role.PARTNER_ADMIN], agreement=current)
        with pytest.raises(ValidationError):
            agreement_accept(actor=ours.members[Role.PARTNER_ADMIN], agreement=current)


@pytest.mark.django_db
def test_reps_read_the_agreement_and_the_home_page_asks_until_accepted(ours, host_client):
    publish(ours)
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    page = rep.get("/program/agreement/").content.decode()
    assert "Your company's portal admin accepts it." in page
    assert "Accept the agreement" not in page
    assert "is waiting for your company's acceptance" in rep.get("/").content.decode()


@pytest.mark.django_db
def test_publishing_in_the_admin_ui_and_cam_sees_only_assigned_acceptances(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = ops.post(
        "/admin/partners/agreementversion/add/", {"title": "From the admin", "body_html": EVIL}
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert "<script" not in current_agreement(ours.tenant).body_html
        AgreementAcceptance.objects.create(
            tenant=ours.tenant,
            partner=ours.other_partner,
            agreement=ours.agreement,
            accepted_by_label="b@example.test",
        )
    cam_page = (
        host_client(ours.host, ours.members[Role.CAM])
        .get("/admin/partners/agreementacceptance/")
        .content.decode()
    )
    assert ours.partner.name in cam_page
    assert ours.other_partner.name not in cam_page
