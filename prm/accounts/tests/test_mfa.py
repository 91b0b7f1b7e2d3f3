"""Two-factor authentication: open to all, required for vendor staff where the tenant says so."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from prm.accounts.tests.factories import PASSWORD
from prm.tenancy.roles import Role

ACTIVATE = "/accounts/2fa/totp/activate/"


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def mfa_required(ours):
    ours.tenant.require_mfa_for_staff = True
    ours.tenant.save()
    return ours


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/partners/partner/", "/", "/portals/"])
def test_staff_without_a_second_factor_are_sent_to_enrol_first(mfa_required, host_client, path):
    client = host_client(mfa_required.host)
    cam = mfa_required.members[Role.CAM].user
    client.post("/accounts/login/", {"login": cam.email, "password": PASSWORD})
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    # allauth asks for the password once more before enrolment; that page is not blocked.
    confirm = client.get(ACTIVATE)
    assert confirm["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(confirm["Location"]).status_code == 200
    back = client.post(confirm["Location"], {"password": PASSWORD})
    assert back["Location"] == ACTIVATE
    enrol = client.get(ACTIVATE)
    assert enrol.status_code == 200
    assert b"data:image/svg+xml" in enrol.content  # the QR code to scan


@pytest.mark.django_db
def test_partner_users_are_not_forced_to_enrol(mfa_required, host_client):
    client = host_client(mfa_required.host, mfa_required.members[Role.PARTNER_REP])
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_staff_with_an_authenticator_go_on(mfa_required, host_client):
    cam = mfa_required.members[Role.CAM]
    TOTP.activate(cam.user, generate_totp_secret())
    assert host_client(mfa_required.host, cam).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_not_required_by_default(ours, host_client):
    assert host_client(ours.host, ours.members[Role.CAM]).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_of_a_user_who_has_one(ours, host_client):
    rep = ours.members[Role.PARTNER_REP].user
    secret = generate_totp_secret()
    TOTP.activate(rep, secret)
    client = host_client(ours.host)
    response = client.post("/accounts/login/", {"login": rep.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
