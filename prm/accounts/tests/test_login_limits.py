"""Sign-in limits: failures count per account and per address and tenant; correct credentials for
an account that is not itself locked always get in (prm.accounts.login_limits)."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django_scopes import scope

from prm.accounts.tests.factories import PASSWORD, UserFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import HostClient

LOGIN = "/accounts/login/"
WRONG = "The email address and/or password you specified are not correct."
ACCOUNT_LOCKED = "Too many failed login attempts"
ADDRESS_LIMITED = "Too many failed sign-in attempts from your network"


def sign_in(client, email, password=PASSWORD, **extra):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def fail_from_address(host: str, count: int, address: str = "127.0.0.1") -> list[str]:
    """`count` failed sign-ins on `host` from `address`, each for a different (unknown) account,
    so that no single account is locked; returns the pages' texts."""
    client = HostClient(host)
    return [
        sign_in(client, f"nobody{i}@attack.test", "guess", REMOTE_ADDR=address).content.decode()
        for i in range(count)
    ]


@pytest.mark.django_db
def test_a_correct_login_succeeds_while_another_tenants_login_from_the_same_address_is_limited(
    ours, theirs
):
    pages = fail_from_address(theirs.host, 11)
    assert all(WRONG in page for page in pages[:10])

    response = sign_in(HostClient(ours.host), ours.members[Role.PARTNER_REP].user.email)
    assert response.status_code == 302
    assert ADDRESS_LIMITED in pages[10]  # ...while theirs was rate-limited for this address


@pytest.mark.django_db
def test_a_correct_login_succeeds_while_its_own_tenant_is_limited_for_the_address(ours):
    """Other people's failures from the same address never refuse correct credentials."""
    assert ADDRESS_LIMITED in fail_from_address(ours.host, 11)[-1]
    response = sign_in(HostClient(ours.host), ours.members[Role.PARTNER_ADMIN].user.email)
    assert response.status_code == 302
    # ...while a wrong password from there is still told to slow down.
    refused = sign_in(HostClient(ours.host), ours.members[Role.PARTNER_REP].user.email, "guess")
    assert ADDRESS_LIMITED in refused.content.decode()


@pytest.mark.django_db
def test_the_address_limit_is_per_address(ours):
    fail_from_address(ours.host, 11, address="203.0.113.7")
    page = fail_from_address(ours.host, 1, address="198.51.100.9")[0]
    assert WRONG in page
    assert ADDRESS_LIMITED not in page


@pytest.mark.django_db
def test_an_account_under_attack_is_limited_per_account_from_any_address(ours):
    rep = ours.members[Role.PARTNER_REP].user
    client = HostClient(ours.host)
    for i in range(5):
        page = sign_in(client, rep.email, "guess", REMOTE_ADDR=f"203.0.113.{i + 1}")
        assert WRONG in page.content.decode()
    locked = sign_in(client, rep.email, PASSWORD, REMOTE_ADDR="198.51.100.50")
    assert ACCOUNT_LOCKED in locked.content.decode()
    assert client.get("/").status_code == 302  # not signed in
    # Another account from the attacked addresses is not affected.
    other = sign_in(
        HostClient(ours.host),
        ours.members[Role.PARTNER_ADMIN].user.email,
        REMOTE_ADDR="203.0.113.1",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_account_limit_also_guards_the_platform_operators_sign_in(host_client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = host_client("localhost")
    for _ in range(5):
        client.post("/admin/login/", {"username": operator.email, "password": "guess"})
    locked = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert locked.status_code == 200
    assert ACCOUNT_LOCKED in locked.content.decode()


@pytest.mark.django_db
def test_twelve_correct_logins_from_one_address_all_succeed(ours):
    with scope(tenant=ours.tenant):
        members = [partner_membership(ours.partner) for _ in range(12)]
    for member in members:
        assert sign_in(HostClient(ours.host), member.user.email).status_code == 302


class RealisticHasher(PBKDF2PasswordHasher):
    """Slow enough that simultaneous sign-ins overlap, as they do in production (the suite's
    MD5 hasher answers before the next request starts)."""

    iterations = 200_000


@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=[f"{__name__}.RealisticHasher", *settings.PASSWORD_HASHERS])
def test_twelve_simultaneous_correct_logins_from_one_address_all_succeed(ours):
    cache.clear()  # the database cache is not flushed between transactional tests
    with scope(tenant=ours.tenant):
        emails = [partner_membership(ours.partner).user.email for _ in range(12)]
    start = threading.Barrier(len(emails))
    statuses: list[object] = []

    def log_in(email: str) -> None:
        try:
            client = HostClient(ours.host)
            start.wait(timeout=10)
            statuses.append(sign_in(client, email).status_code)
        except Exception as exc:
            statuses.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=log_in, args=(e,)) for e in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * 12
