"""Normalising what partners type about a customer: domains and company names."""

import random
import string

import pytest

from prm.normalize import company_core, company_key, registered_domain

NAMES = [
    "Contoso Ltd",
    "Tailspin Toys GmbH",
    "Société Générale S.A.",
    "Fabrikam Solutions, Inc.",
    "Wide World Importers LLC",
    "Global Systems Inc",
    "The Phone Company",
    "Northwind Traders",
    "AT&T Inc",
    "Ö-Bank Holding AG",
    "Amazon.com, Inc.",
    "Acme Co Solutions",
    "X",
]
HOSTS = ["acme.co.uk", "shop.acme.co.uk", "contoso.com", "tailspin.com.au", "northwind.test"]


@pytest.mark.parametrize("name", NAMES)
def test_company_core_is_idempotent(name):
    core = company_core(name)
    assert company_core(core) == core
    assert company_key(core) == company_key(name)


@pytest.mark.parametrize("name", NAMES)
def test_company_core_ignores_case_whitespace_and_punctuation(name):
    rng = random.Random(name)
    for _ in range(25):
        noisy = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name).replace(
            " ", " " * rng.randint(1, 3)
        )
        noisy = rng.choice(["", " ", "\t"]) + noisy + rng.choice(["", ".", " ,", "!"])
        assert company_core(noisy) == company_core(name)


@pytest.mark.parametrize(
    ("typed", "core"),
    [
        ("  Contoso Solutions, Ltd.", "contoso"),
        ("CONTOSO", "contoso"),
        ("Contoso Limited", "contoso"),
        ("Tailspin Toys GmbH", "tailspin toys"),
        ("Société Générale S.A.", "societe generale"),
        ("Fabrikam Technologies Corp.", "fabrikam"),
        ("Global Systems Inc", "global systems"),  # only generic words: they are its name
        ("Amazon.com, Inc.", "amazon"),
    ],
)
def test_company_core_drops_legal_suffixes_generic_words_and_accents(typed, core):
    assert company_core(typed) == core


def test_company_key_is_insensitive_to_word_order():
    assert company_key("Brightwave Analytics") == company_key("Analytics Brightwave GmbH")


@pytest.mark.parametrize("host", HOSTS)
def test_registered_domain_ignores_scheme_www_path_case_and_subdomains(host):
    expected = registered_domain(host)
    assert expected
    for typed in [
        f"https://www.{host}/pricing?x=1",
        f"http://{host.upper()}",
        f"  www.{host}  ",
        f"{host}/",
        f"sales.eu.{host}",
        f"someone@{host}",
    ]:
        assert registered_domain(typed) == expected, typed


def test_registered_domain_knows_public_suffixes():
    assert registered_domain("https://www.shop.acme.co.uk/x") == "acme.co.uk"
    assert registered_domain("tailspin.com.au") == "tailspin.com.au"


def test_registered_domain_is_idempotent():
    rng = random.Random(7)
    for _ in range(200):
        label = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 10)))
        host = f"{label}.{rng.choice(['com', 'co.uk', 'de', 'com.au', 'io'])}"
        once = registered_domain(f"https://www.{host}/path")
        assert registered_domain(once) == once == host
