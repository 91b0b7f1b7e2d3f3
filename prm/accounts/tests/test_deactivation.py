"""Deactivating a membership ends that user's sessions on the tenant at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from prm.accounts import services
from prm.accounts.tests.factories import PASSWORD
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership


@pytest.mark.django_db
def test_deactivation_ends_live_sessions_on_the_next_request(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    laptop, phone = host_client(ours.host), host_client(ours.host)
    for client in (laptop, phone):
        client.post("/accounts/login/", {"login": rep.user.email, "password": PASSWORD})
        assert client.get("/").status_code == 200
    with scope(tenant=ours.tenant):
        services.membership_deactivate(
            actor=ours.members[Role.PARTNER_ADMIN], membership=rep, reason="Left the company"
        )
    for client in (laptop, phone):
        response = client.get("/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="accounts.membership.deactivated")
        assert (event.reason, event.before, event.after) == (
            "Left the company",
            {"is_active": True},
            {"is_active": False},
        )


@pytest.mark.django_db
def test_deactivation_on_one_tenant_leaves_the_other_tenants_session(ours, theirs, host_client):
    person = ours.members[Role.PARTNER_REP].user
    partner_membership(theirs.partner, user=person)
    there = host_client(theirs.host)
    there.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    with scope(tenant=ours.tenant):
        services.membership_deactivate(
            actor=ours.members[Role.PROGRAM_LEADER],
            membership=ours.members[Role.PARTNER_REP],
            reason="Contract ended",
        )
    assert there.get("/").status_code == 200


@pytest.mark.django_db
def test_deactivation_needs_a_reason_and_a_right_to_manage(ours):
    with scope(tenant=ours.tenant):
        with pytest.raises(ValidationError):
            services.membership_deactivate(
                actor=ours.members[Role.PARTNER_ADMIN],
                membership=ours.members[Role.PARTNER_REP],
                reason=" ",
            )
        with pytest.raises(PermissionDenied):
            services.membership_deactivate(
                actor=ours.members[Role.PARTNER_ADMIN],
                membership=ours.other_partner_rep,
                reason="x",
            )
        with pytest.raises(PermissionDenied):
            services.membership_deactivate(
                actor=ours.members[Role.PARTNER_OPS], membership=ours.members[Role.CAM], reason="x"
            )
        with pytest.raises(ValidationError):
            services.membership_deactivate(
                actor=ours.members[Role.PROGRAM_LEADER],
                membership=ours.members[Role.PROGRAM_LEADER],
                reason="x",
            )


@pytest.mark.django_db
def test_a_partner_admin_deactivates_a_colleague_from_the_team_page(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    empty = client.post(f"/team/members/{rep.pk}/deactivate/", {"reason": ""})
    assert 'id="id_reason_error"' in empty.content.decode()
    response = client.post(f"/team/members/{rep.pk}/deactivate/", {"reason": "Moved on"})
    assert response.status_code == 302
    rep.refresh_from_db()
    assert not rep.is_active


@pytest.mark.django_db
def test_a_leader_reactivates_a_membership_in_the_admin_ui(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    client.post(f"/admin/tenancy/membership/{rep.pk}/deactivate/", {"reason": "Paused"})
    rep.refresh_from_db()
    assert not rep.is_active
    client.post(f"/admin/tenancy/membership/{rep.pk}/reactivate/", {"reason": "Back"})
    rep.refresh_from_db()
    assert rep.is_active


@pytest.mark.django_db
def test_a_partner_admin_promotes_a_rep_and_the_rep_is_told(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert (
        client.post(f"/team/members/{rep.pk}/role/", {"role": "partner_admin"}).status_code == 302
    )
    rep.refresh_from_db()
    assert rep.role == Role.PARTNER_ADMIN
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="accounts.membership.role_changed")
        assert (event.before, event.after) == ({"role": "partner_rep"}, {"role": "partner_admin"})
        from prm.notifications.models import Notification

        told = Notification.objects.get(event="accounts.membership.role_changed")
        assert told.recipient == rep.user
        assert told.title == f"You are now Partner admin at {ours.partner.name}"


@pytest.mark.django_db
def test_role_changes_stay_on_their_side_and_in_the_actors_reach(ours):
    with scope(tenant=ours.tenant):
        with pytest.raises(ValidationError):  # a partner user cannot become vendor staff
            services.membership_change_role(
                actor=ours.members[Role.PROGRAM_LEADER],
                membership=ours.members[Role.PARTNER_REP],
                role=Role.CAM,
            )
        with pytest.raises(PermissionDenied):  # another company's user
            services.membership_change_role(
                actor=ours.members[Role.PARTNER_ADMIN],
                membership=ours.other_partner_rep,
                role=Role.PARTNER_ADMIN,
            )
        with pytest.raises(ValidationError):  # one's own role
            services.membership_change_role(
                actor=ours.members[Role.PARTNER_ADMIN],
                membership=ours.members[Role.PARTNER_ADMIN],
                role=Role.PARTNER_REP,
            )
        with pytest.raises(PermissionDenied):  # ops may not promote staff
            services.membership_change_role(
                actor=ours.members[Role.PARTNER_OPS],
                membership=ours.members[Role.CAM],
                role=Role.PARTNER_OPS,
            )
        changed = services.membership_change_role(
            actor=ours.members[Role.PROGRAM_LEADER],
            membership=ours.members[Role.CAM],
            role=Role.PARTNER_OPS,
        )
        assert changed.role == Role.PARTNER_OPS
