"""The client's address is read in one place, through the proxies we trust."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django_scopes import scope

from partners.agreements.services import agreement_publish
from partners.models import AgreementAcceptance
from prm.security.client_ip import client_ip, client_network
from prm.tenancy.roles import Role

#: our proxy appended the last address; the client wrote the first one itself
FORWARDED = "198.51.100.1, 203.0.113.9"


def _request(**meta):  # type: ignore[no-untyped-def]
    return RequestFactory().get("/", **meta)


def test_the_client_address_comes_from_the_trusted_proxy_only():
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=FORWARDED)) == (
            "203.0.113.9"
        )
        assert client_ip(_request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0):
        assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=FORWARDED)) == (
            "10.0.0.2"
        )


def test_a_request_that_bypassed_some_proxies_falls_back_to_the_peer():
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=3):
        assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=FORWARDED)) == (
            "10.0.0.2"
        )


def test_limits_count_an_ipv6_client_by_its_network():
    request = _request(REMOTE_ADDR="2001:db8:1:2:aaaa:bbbb:cccc:dddd")
    assert client_network(request) == "2001:db8:1:2::"


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_an_agreement_accepted_behind_the_proxy_records_the_clients_address(ours, host_client):
    with scope(tenant=ours.tenant):
        version = agreement_publish(
            actor=ours.members[Role.PARTNER_OPS], title="Terms", body_html="<p>Terms</p>"
        )
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.post(
        "/program/agreement/",
        {"confirm": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=FORWARDED,
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert AgreementAcceptance.objects.get(agreement=version).ip_address == "203.0.113.9"


def test_no_module_but_client_ip_reads_the_peer_address_itself():
    """Behind the proxy REMOTE_ADDR is the proxy's: audit records and limits must not use it."""
    base = Path(settings.BASE_DIR)
    readers = [
        str(path.relative_to(base))
        for package in ("prm", "partners", "deals", "training", "mdf", "commissions", "reporting")
        for path in (base / package).rglob("*.py")
        if "tests" not in path.parts
        and "settings" not in path.parts
        and "REMOTE_ADDR" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["prm/security/client_ip.py"]
