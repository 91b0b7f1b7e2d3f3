"""Which addresses a webhook may reach, and the URL check when an endpoint is saved."""

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError

from prm.webhooks.addresses import RefusedAddress, is_public, resolve_public, validate_url


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "fc00::1",
        "fd12:3456::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
    ],
)
def test_private_and_special_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.255.0.1", "::1", "::ffff:127.0.0.1"])
def test_the_development_setting_lets_loopback_through(address):
    assert is_public(ipaddress.ip_address(address), allow_loopback=True)


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "192.168.0.1", "0.0.0.0"])
def test_the_development_setting_lets_nothing_else_through(address):
    assert not is_public(ipaddress.ip_address(address), allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://crm.example.com/", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("https://", "host name"),
        ("https://user:secret@crm.example.com/", "user name and password"),
        ("https://crm.example.com:0/", "port"),
        ("https://crm.example.com:70000/", "port"),
        ("https://crm.example.com:http/", "port"),
        ("https://crm.example .com/", "spaces"),
        ("http://127.0.0.1:8000/", "private, loopback or reserved"),
        ("http://169.254.169.254/latest/meta-data/", "private, loopback or reserved"),
        ("http://10.0.0.8/", "private, loopback or reserved"),
        ("http://[::1]/", "private, loopback or reserved"),
        ("http://localhost:9000/", "this server itself"),
        ("https://" + "a" * 2000 + ".com/", "2,000"),
    ],
)
def test_the_saved_url_is_checked_with_a_clear_message(url, says):
    with pytest.raises(ValidationError) as refused:
        validate_url(url)
    assert says in " ".join(refused.value.messages)


def test_a_public_url_is_kept_as_typed_less_the_spaces_around_it():
    assert validate_url("  https://crm.example.com:8443/prm?x=1 ") == (
        "https://crm.example.com:8443/prm?x=1"
    )


def test_loopback_may_be_saved_under_the_development_setting(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    assert validate_url("http://127.0.0.1:9000/") == "http://127.0.0.1:9000/"
    with pytest.raises(ValidationError):
        validate_url("http://10.0.0.1/")


def _resolving(monkeypatch, *addresses):
    def fake(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    _resolving(monkeypatch, "93.184.215.14", "10.0.0.1")
    with pytest.raises(RefusedAddress, match=r"10\.0\.0\.1"):
        resolve_public("https://crm.example.com/")


def test_the_checked_address_is_the_one_to_connect_to(monkeypatch):
    _resolving(monkeypatch, "93.184.215.14")
    target = resolve_public("https://crm.example.com:8443/in?a=b")
    assert (target.host, target.port, target.path, target.address) == (
        "crm.example.com",
        8443,
        "/in?a=b",
        "93.184.215.14",
    )


def test_an_unresolvable_name_is_refused_with_the_reason():
    with pytest.raises(RefusedAddress, match="could not be resolved"):
        resolve_public("https://no-such-host.invalid/")
