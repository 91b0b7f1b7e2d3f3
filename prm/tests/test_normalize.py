"""Domain normalisation: one registrable domain, however it was typed."""

import pytest

from prm.normalize import registered_domain


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("https://www.shop.acme.co.uk/x?y=1", "acme.co.uk"),
        ("ACME.com", "acme.com"),
        ("  http://Acme.COM/  ", "acme.com"),
        ("sales@eu.acme.com.au", "acme.com.au"),
        ("www.example.org", "example.org"),
        ("localhost", ""),
        ("https://www.northwind.test/", "northwind.test"),
        ("intranet.corp.local", "corp.local"),
        ("http://192.168.0.1/", ""),
        ("", ""),
        ("not a domain", ""),
    ],
)
def test_registered_domain(typed, domain):
    assert registered_domain(typed) == domain


@pytest.mark.parametrize("typed", ["https://www.acme.co.uk/path", "ACME.CO.UK", "x@acme.co.uk"])
def test_normalising_twice_changes_nothing(typed):
    once = registered_domain(typed)
    assert registered_domain(once) == once
