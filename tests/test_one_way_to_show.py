"""Every page, email and notification of the demo shows money, dates and counts one way.

The demo is seeded (`manage.py seed_demo`: registrations in every state, leads, plans, tiers,
applications, the emails and notifications all of that sent), then every page the isolation
matrix lists is opened by a member who may see it, and every email in the outbox and every
notification is read. None may show what the house formatter (prm.money, prm.dates,
prm.figures) never writes: "42000.00 USD", "12/06/2026", "Dec. 6, 2026, 10:30 p.m..", "6.00 users".
"""

import os
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django_scopes import scope

from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.demo import DEMO_TENANTS
from prm.tenancy.models import CURRENCIES, Tenant

from .demo_world import demo_world, page_cases
from .worlds import host_client_for

#: the currency codes a raw amount would be followed by (not any capitals: "$500.00 MDF
#: reimbursements" is an amount beside the name of the next row)
_CODES = "|".join(code for code, _label in CURRENCIES)

#: what the one formatter never writes, by what it would mean
NEVER = {
    "a raw Decimal with its currency code": re.compile(rf"\b\d+\.\d{{2}} (?:{_CODES})\b"),
    "a date in digits alone": re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b"),
    "Django's own day format": re.compile(r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d{1,2}, \d{4}"),
    "a time's period doubled": re.compile(r"\b[ap]\.m\.\."),
    "a count with decimals": re.compile(r"(?<![\d,.$€£¥])\b\d+\.00 [a-z]"),
    "an HTML entity in plain text": re.compile(r"&(?:#x?[0-9a-fA-F]+|amp|lt|gt|quot);"),
}


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def offences(where: str, text: str) -> list[str]:
    found = []
    for meaning, pattern in NEVER.items():
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 60) : match.end() + 20]
            found.append(f"{where}: {meaning} {match.group()!r} in …{context}…")
    return found


def test_the_patterns_catch_what_they_are_for():
    """The regexes above would catch the very things the issue saw in the demo."""
    seen_in_the_demo = (
        "42000.00 USD",
        "12/06/2026",
        "Dec. 6, 2026",
        "at 3:05 p.m..",
        "6.00 users",
        "Approved: Margie&#x27;s Travel",
    )
    for seen in seen_in_the_demo:
        assert offences("sample", seen), seen
    for fine in ("$42,000.00", "Dec 6, 2026, 3:05\u202fPM", "6 users", "€27,000.00 a year"):
        assert not offences("sample", fine), fine


@pytest.fixture
def demo_seeded(db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return [Tenant.objects.get(slug=spec.slug) for spec in DEMO_TENANTS]


@pytest.mark.django_db
def test_no_demo_page_email_or_notification_shows_money_dates_or_counts_another_way(demo_seeded):
    found: list[str] = []
    opened = 0
    for tenant in demo_seeded:
        with scope(tenant=tenant):
            world = demo_world(tenant)
            pages = list(page_cases(world))
            mails = list(EmailOutbox.objects.filter(tenant=tenant))
            notes = list(Notification.objects.filter(tenant=tenant))
        for _case, member, url in pages:
            response = host_client_for(world.host, member).get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            found += offences(f"{tenant.slug} {url}", visible_text(response.content.decode()))
        for mail in mails:
            where = f"{tenant.slug} email {mail.subject!r}"
            found += offences(where, f"{mail.subject}\n{mail.body_text}")
            found += offences(where, visible_text(mail.body_html))
        for note in notes:
            found += offences(
                f"{tenant.slug} notification", f"{note.title}\n{note.body}\n{note.message}"
            )
        assert mails, "the demo sends emails"
        assert notes, "the demo sends notifications"
    # Both demo tenants, nearly every page of the matrix: the sweep itself cannot go quiet.
    assert opened > 200, opened
    assert not found, "\n".join(found)
