"""Who may sign in where: members of the host's tenant only, each session bound to its host."""

import pytest
from django.urls import reverse

from partners.tests.factories import PartnerFactory
from prm.accounts.tests.factories import PASSWORD, UserFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, partner_membership

LOGIN = "/accounts/login/"
WRONG = "The email address and/or password you specified are not correct."


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


@pytest.mark.django_db
def test_member_signs_in_on_their_tenants_host(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    client = host_client(ours.host)
    response = sign_in(client, rep.user.email)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert ours.partner.name in home.content.decode()


@pytest.mark.django_db
def test_member_of_another_tenant_gets_the_wrong_password_message(ours, theirs, host_client):
    stranger = theirs.members[Role.PARTNER_REP].user
    response = sign_in(host_client(ours.host), stranger.email)
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    wrong_password = sign_in(host_client(ours.host), ours.members[Role.PARTNER_REP].user.email, "x")
    assert WRONG in wrong_password.content.decode()


@pytest.mark.django_db
def test_deactivated_membership_cannot_sign_in(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    rep.is_active = False
    rep.save()
    response = sign_in(host_client(ours.host), rep.user.email)
    assert WRONG in response.content.decode()


@pytest.mark.django_db
def test_one_email_with_two_memberships_signs_in_to_both_and_sees_each_company(
    ours, theirs, host_client
):
    person = UserFactory()
    partner_membership(ours.partner, user=person)
    partner_membership(theirs.partner, user=person)
    for world in (ours, theirs):
        client = host_client(world.host)
        assert sign_in(client, person.email).status_code == 302
        page = client.get("/").content.decode()
        assert world.partner.name in page
        other = theirs if world is ours else ours
        assert other.partner.name not in page


@pytest.mark.django_db
def test_a_session_is_valid_only_on_the_host_it_was_opened_on(ours, theirs, host_client):
    person = UserFactory()
    partner_membership(ours.partner, user=person)
    partner_membership(theirs.partner, user=person)
    client = host_client(ours.host)
    sign_in(client, person.email)
    assert client.get("/").status_code == 200
    # The same cookie presented on the other tenant's host (a browser never sends it there).
    response = client.get("/", HTTP_HOST=theirs.host)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # ...and that ended the session: it does not work on its own host any more either.
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_unknown_host_answers_a_plain_404(host_client):
    response = host_client("nobody.localhost").get(LOGIN)
    assert response.status_code == 404
    assert b"does not host a partner portal" in response.content


@pytest.mark.django_db
def test_platform_host_admits_only_operators(ours, host_client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    leader = ours.members[Role.PROGRAM_LEADER].user
    client = host_client("localhost")
    refused = client.post("/admin/login/", {"username": leader.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert client.get("/admin/").status_code == 302
    admitted = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert admitted.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(ours, host_client):
    rep = ours.members[Role.PARTNER_REP].user
    client = host_client(ours.host)
    for _ in range(5):
        assert WRONG in sign_in(client, rep.email, "wrong").content.decode()
    blocked = sign_in(client, rep.email, PASSWORD)
    assert blocked.status_code in (200, 429)
    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get("/").status_code == 302  # still not signed in


@pytest.mark.django_db
def test_vendor_staff_opening_the_portal_are_sent_to_the_admin_ui(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_partner_users_cannot_enter_the_admin_ui(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert client.get("/admin/").status_code == 403


@pytest.mark.django_db
def test_password_reset_mails_only_members_of_this_tenant(ours, theirs, host_client, mailoutbox):
    member = ours.members[Role.PARTNER_REP].user
    stranger = theirs.members[Role.PARTNER_REP].user
    client = host_client(ours.host)
    client.post("/accounts/password/reset/", {"email": member.email})
    client.post("/accounts/password/reset/", {"email": stranger.email})
    to_member = [m for m in mailoutbox if member.email in m.to]
    to_stranger = [m for m in mailoutbox if stranger.email in m.to]
    assert len(to_member) == 1
    assert f"http://{ours.host}/accounts/password/reset/key/" in to_member[0].body
    assert ours.tenant.portal_title in to_member[0].subject
    # The stranger gets allauth's "no account here" mail, never a reset link for our host.
    assert all("/password/reset/key/" not in m.body for m in to_stranger)


@pytest.mark.django_db
def test_staff_and_partner_roles_keep_their_side(ours):
    from django.db import IntegrityError, transaction
    from django_scopes import scope

    with scope(tenant=ours.tenant), pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(
            tenant=ours.tenant, role=Role.CAM, partner=PartnerFactory(tenant=ours.tenant)
        )
    with scope(tenant=ours.tenant), pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(tenant=ours.tenant, role=Role.PARTNER_REP, partner=None)
