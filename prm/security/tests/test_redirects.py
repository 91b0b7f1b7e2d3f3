"""`next=` leads only to the host the person is on (prm.security.redirects)."""

import pytest
from django.urls import reverse

from prm.accounts.tests.factories import PASSWORD, UserFactory
from prm.tenancy.roles import Role


def elsewhere(theirs) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "http://127.0.0.1/",
        "//127.0.0.1/",
        "http://localhost/admin/",
        f"http://{theirs.host}/",
        "https://evil.example/",
        "/\\evil.example/",
        "http:///evil.example/",
    ]


@pytest.mark.django_db
def test_signing_in_follows_next_only_on_the_tenants_own_host(ours, theirs, host_client):
    rep = ours.members[Role.PARTNER_REP].user
    for target in elsewhere(theirs):
        client = host_client(ours.host)
        response = client.post(
            f"/accounts/login/?next={target}", {"login": rep.email, "password": PASSWORD}
        )
        assert response.status_code == 302, target
        assert response["Location"] == "/", target
    client = host_client(ours.host)
    response = client.post(
        "/accounts/login/?next=/deals/", {"login": rep.email, "password": PASSWORD}
    )
    assert response["Location"] == "/deals/"


@pytest.mark.django_db
def test_the_admin_login_passes_on_only_a_next_on_this_host(ours, theirs, host_client):
    client = host_client(ours.host)
    for target in elsewhere(theirs):
        response = client.get("/admin/login/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next=/admin/", target
    kept = client.get("/admin/login/", {"next": "/admin/deals/deal/"})
    assert kept["Location"] == f"{reverse('account_login')}?next=/admin/deals/deal/"


@pytest.mark.django_db
def test_signing_out_follows_next_only_on_this_host(ours, theirs, host_client):
    for target in elsewhere(theirs):
        client = host_client(ours.host, ours.members[Role.PARTNER_REP])
        response = client.post("/accounts/logout/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login"), target


@pytest.mark.django_db
def test_mark_all_read_goes_back_only_on_this_host(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    for target in elsewhere(theirs):
        response = client.post("/notifications/read-all/", {"next": target})
        assert response["Location"] == reverse("notifications:list"), target


@pytest.mark.django_db
def test_the_operators_sign_in_follows_next_only_on_the_platform_host(host_client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = host_client("localhost")
    response = client.post(
        "/admin/login/?next=http://127.0.0.1/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "127.0.0.1" not in response["Location"]
