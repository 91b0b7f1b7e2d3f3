"""Copy: headings, labels and buttons of the sign-in, password and two-factor pages in sentence
case (allauth writes "Sign In", "Two-Factor Authentication"; locale/en makes them "Sign in",
"Two-factor authentication"), and the English catalog compiled as written."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.template import Context, Template
from django.utils import translation

from prm.accounts.tests.factories import PASSWORD
from prm.tenancy.roles import Role
from prm.text import possessive, takes_an

LOCALE = Path(__file__).resolve().parents[2] / "locale"
#: words that keep their capital inside a sentence
PROPER = {"I", "TOTP", "ID", "IP", "PRM"}


def test_the_english_catalog_is_compiled_from_its_source():
    """Whoever edits locale/en/…/django.po compiles it too (see the file's header)."""
    folder = LOCALE / "en" / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as po, (folder / "django.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    written = {(m.id, m.context): m.string for m in source if m.id}
    built = {(m.id, m.context): m.string for m in compiled if m.id}
    assert written == built
    assert all(s[:1].isupper() and not re.search(r" [A-Z][a-z]", s[1:]) for s in written.values())


def test_allauths_title_case_reads_in_sentence_case_in_english_only():
    with translation.override("en"):
        assert translation.gettext("Two-Factor Authentication") == "Two-factor authentication"
        assert translation.gettext("Sign In") == "Sign in"
    with translation.override("de"):
        assert translation.gettext("Sign In") == "Anmeldung"  # allauth's own German


class _Captions(HTMLParser):
    """The texts a reader scans: title, headings, labels, legends, buttons, button-like links."""

    TAGS = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "button", "summary"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "submit" and attributes.get("value"):
            self.found.append(attributes["value"] or "")
        classes = (attributes.get("class") or "").split()
        if tag in self.TAGS or (tag == "a" and "btn" in classes):
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _tag, parts = self._open.pop()
            self.found.append(" ".join("".join(parts).split()))

    def handle_data(self, data: str) -> None:
        for _tag, parts in self._open:
            parts.append(data)


def title_case_words(caption: str, proper: set[str]) -> list[str]:
    """Words after the first that start with a capital and are not names."""
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019]*", caption)
    return [w for w in words[1:] if w[0].isupper() and w not in proper]


@pytest.fixture
def signed_in(ours, host_client):  # type: ignore[no-untyped-def]
    """A rep who just confirmed their password (two-factor pages ask for it)."""
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    confirmed = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert confirmed.status_code == 302
    return client


@pytest.mark.django_db
def test_sign_in_and_two_factor_pages_are_in_sentence_case(ours, host_client, signed_in):
    tenant = ours.tenant
    proper = PROPER | set(re.findall(r"\w+", f"{tenant.portal_title} {tenant.name}"))
    anonymous = host_client(ours.host)
    pages = {
        "/accounts/login/": anonymous,
        "/accounts/password/reset/": anonymous,
        "/accounts/password/change/": signed_in,
        "/accounts/reauthenticate/": signed_in,
        "/accounts/2fa/": signed_in,
        "/accounts/2fa/totp/activate/": signed_in,
    }
    found = {}
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        parser = _Captions()
        parser.feed(response.content.decode())
        assert parser.found, path
        found[path] = [c for c in parser.found if title_case_words(c, proper)]
    # With an authenticator: its page, the recovery codes, the code asked at sign-in.
    user = ours.members[Role.PARTNER_REP].user
    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user).exists()
    for path in ("/accounts/2fa/", "/accounts/2fa/totp/deactivate/"):
        parser = _Captions()
        parser.feed(signed_in.get(path).content.decode())
        found[f"{path} (active)"] = [c for c in parser.found if title_case_words(c, proper)]
    entering = host_client(ours.host)
    entering.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    parser = _Captions()
    parser.feed(entering.get("/accounts/2fa/authenticate/").content.decode())
    found["/accounts/2fa/authenticate/"] = [c for c in parser.found if title_case_words(c, proper)]
    assert not {path: captions for path, captions in found.items() if captions}


def test_the_title_case_check_catches_allauths_wording():
    assert title_case_words("Two-Factor Authentication", PROPER) == ["Factor", "Authentication"]
    assert title_case_words("Activate authenticator app", PROPER) == []
    assert title_case_words("Sign in · Acme Cloud", PROPER | {"Acme", "Cloud"}) == []


@pytest.mark.parametrize(
    ("name", "article"),
    [
        ("Acme Cloud", "an"),
        ("Globex Software", "a"),
        ("Initech", "an"),
        ("Umbrella IT", "an"),
        ("Unisys", "a"),
        ("Europcar", "a"),
        ("NTT Data", "an"),
        ("SAP", "an"),
        ("CDW", "a"),
        ("Hour Systems", "an"),
        ("Hubspot", "a"),
    ],
)
def test_a_name_takes_the_article_it_is_read_with(name, article):
    assert ("an" if takes_an(name) else "a") == article


def test_possessives_of_names_ending_in_s():
    with translation.override("en"):
        assert possessive("Contoso Systems") == "Contoso Systems'"
        assert possessive("Northwind Solutions") == "Northwind Solutions'"
        assert possessive("Fabrikam Digital") == "Fabrikam Digital's"
    with translation.override("de"):
        assert possessive("Contoso Systems") == "Contoso Systems'"
        assert possessive("Northwind") == "Northwinds"
    with translation.override("fr"):
        assert possessive("Contoso Systems") == "Contoso Systems"  # "les affaires de …"
    template = Template("{% load prm_text %}{{ name|possessive }} deals")
    with translation.override("en"):
        page = template.render(Context({"name": "Contoso Systems"}))
        assert page == "Contoso Systems&#x27; deals"  # escaped in HTML like any text
