"""Invitations: who may invite whom, the single-use expiring link, and accepting it."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from prm.accounts import services
from prm.accounts.models import Invitation, User
from prm.accounts.tests.factories import PASSWORD, UserFactory
from prm.audit.models import AuditEvent
from prm.notifications.models import EmailOutbox
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

NEW_PASSWORD = "a-Long-unusual-passphrase-42"


def invite(world, actor_role, email="new.person@example.test", role=Role.PARTNER_REP, partner=None):
    with scope(tenant=world.tenant):
        return services.invitation_create(
            actor=world.members[actor_role], email=email, role=role, partner=partner
        )


def link_from(mail) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", mail.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.django_db
def test_invitation_email_carries_a_link_to_the_tenants_host(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [invitation.email]
    assert link_from(mail).startswith(f"http://{ours.host}:8000/invitations/")
    assert ours.tenant.portal_title in mail.subject
    html = mail.alternatives[0][0]
    assert ours.tenant.primary_colour in html
    with scope(tenant=ours.tenant):
        assert EmailOutbox.objects.get(to_email=invitation.email).status == "sent"
        assert AuditEvent.objects.filter(action="accounts.invitation.sent").exists()


@pytest.mark.django_db
def test_accepting_creates_the_user_membership_and_signs_in(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    client = host_client(ours.host)
    url = path_of(link_from(mailoutbox[0]))
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = User.objects.get(email="new.person@example.test")
    assert user.check_password(NEW_PASSWORD)
    assert user.emailaddress_set.get().verified
    with scope(tenant=ours.tenant):
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.partner) == (Role.PARTNER_REP, ours.partner)
        assert Invitation.objects.get(email=user.email).accepted_by == user


@pytest.mark.django_db
def test_a_link_works_once(ours, host_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    url = path_of(link_from(mailoutbox[0]))
    data = {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert host_client(ours.host).post(url, data).status_code == 302
    again = host_client(ours.host).post(url, data)
    assert again.status_code == 410
    assert b"accepted" in again.content


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_changes_nothing(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    with scope(tenant=ours.tenant):
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    url = path_of(link_from(mailoutbox[0]))
    response = host_client(ours.host).post(
        url, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db
def test_a_resent_invitation_replaces_the_old_link(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    with django_capture_on_commit_callbacks(execute=True), scope(tenant=ours.tenant):
        services.invitation_resend(actor=ours.members[Role.PARTNER_ADMIN], invitation=invitation)
    old, new = (path_of(link_from(m)) for m in mailoutbox)
    assert old != new
    assert host_client(ours.host).get(old).status_code == 404
    assert host_client(ours.host).get(new).status_code == 200


@pytest.mark.django_db
def test_a_tampered_link_is_not_found(ours, host_client):
    assert host_client(ours.host).get("/invitations/not-a-signed-token/").status_code == 404


@pytest.mark.django_db
def test_weak_or_mismatched_passwords_are_refused_beside_the_field(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    url = path_of(link_from(mailoutbox[0]))
    client = host_client(ours.host)
    weak = client.post(url, {"full_name": "X", "password1": "123", "password2": "123"})
    assert weak.status_code == 200
    assert 'id="id_password1_error"' in weak.content.decode()
    differ = client.post(
        url, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "!"}
    )
    assert 'id="id_password2_error"' in differ.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db
def test_someone_with_an_account_elsewhere_joins_with_their_own_password(
    ours, theirs, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    person = theirs.members[Role.PARTNER_REP].user
    with django_capture_on_commit_callbacks(execute=True):
        invite(ours, Role.PARTNER_ADMIN, email=person.email, partner=ours.partner)
    url = path_of(link_from(mailoutbox[0]))
    client = host_client(ours.host)
    wrong = client.post(url, {"password1": "not-my-password"})
    assert wrong.status_code == 200
    assert "not the password of your account" in wrong.content.decode()
    assert client.post(url, {"password1": PASSWORD}).status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)  # unchanged: the invitation did not reset it
    with scope(tenant=ours.tenant):
        assert Membership.objects.get(user=person).partner == ours.partner


@pytest.mark.django_db
def test_a_partner_admin_cannot_invite_into_another_company(ours):
    with pytest.raises(PermissionDenied):
        invite(ours, Role.PARTNER_ADMIN, partner=ours.other_partner)
    with pytest.raises(PermissionDenied):
        invite(ours, Role.PARTNER_ADMIN, role=Role.CAM)
    with scope(tenant=ours.tenant):
        assert not Invitation.objects.filter(email="new.person@example.test").exists()


@pytest.mark.django_db
def test_the_team_page_invites_only_into_the_admins_own_company(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.post(
        "/team/",
        {
            "email": "colleague@example.test",
            "role": Role.PARTNER_REP,
            "partner": ours.other_partner.pk,
        },
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Invitation.objects.get(email="colleague@example.test").partner == ours.partner


@pytest.mark.django_db
def test_a_partner_rep_cannot_invite(ours):
    with pytest.raises(PermissionDenied):
        invite(ours, Role.PARTNER_REP, partner=ours.partner)


@pytest.mark.django_db
def test_only_program_leaders_invite_vendor_staff(ours):
    with pytest.raises(PermissionDenied):
        invite(ours, Role.PARTNER_OPS, role=Role.CAM)
    with pytest.raises(PermissionDenied):
        invite(ours, Role.CAM, role=Role.PARTNER_REP, partner=ours.partner)
    assert invite(ours, Role.PROGRAM_LEADER, role=Role.CAM).role == Role.CAM
    assert (
        invite(ours, Role.PARTNER_OPS, email="x@example.test", partner=ours.partner).partner
        == ours.partner
    )


@pytest.mark.django_db
def test_a_partner_of_another_tenant_is_refused(ours, theirs):
    with pytest.raises(ValidationError) as exc:
        invite(ours, Role.PROGRAM_LEADER, partner=theirs.partner)
    assert "partner" in exc.value.message_dict


@pytest.mark.django_db
def test_inviting_a_current_member_is_refused_beside_the_email(ours, host_client):
    member = ours.members[Role.PARTNER_REP].user
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.post("/team/", {"email": member.email.upper(), "role": Role.PARTNER_REP})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert 'id="id_email_error"' in response.content.decode()


@pytest.mark.django_db
def test_inviting_again_replaces_the_pending_invitation(ours):
    first = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    second = invite(ours, Role.PARTNER_ADMIN, partner=ours.partner)
    with scope(tenant=ours.tenant):
        first.refresh_from_db()
        assert first.status == Invitation.Status.REVOKED
        assert second.status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_the_operator_invites_a_first_program_leader(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    operator = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True), scope(tenant=ours.tenant):
        invitation = services.invitation_create_by_operator(
            operator=operator, tenant=ours.tenant, email="Boss@Vendor.test"
        )
    assert (invitation.role, invitation.email) == (Role.PROGRAM_LEADER, "boss@vendor.test")
    assert mailoutbox[0].to == ["boss@vendor.test"]
    with pytest.raises(PermissionDenied):
        services.invitation_create_by_operator(
            operator=UserFactory(), tenant=ours.tenant, email="x@vendor.test"
        )


@pytest.mark.django_db
def test_an_empty_post_shows_the_errors_instead_of_a_blank_form(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.post("/team/", {})
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
