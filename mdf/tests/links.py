"""Until the portal's and the review's pages are merged in, MDF links point nowhere.

`stand_in_links` lets the tests of notifications and of the partner page's section run on a
branch without them: when a page name the links use does not resolve, `reverse` in the given
modules answers "/<name>/<args>" instead, so the tests still check which page each link names.
Where every page exists (after the merge) it changes nothing and the tests compare real URLs.
"""

from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

#: the page names of parts B and C the links use
PAGES = (
    "mdf:request",
    "mdf:claim",
    "mdf:funds",
    "admin:mdf_mdfrequest_change",
    "admin:mdf_claim_change",
    "admin:mdf_mdfrequest_changelist",
    "admin:mdf_claim_changelist",
    "admin:mdf_paymentbatch_changelist",
    "admin:mdf_fund_overview",
)


def _resolves(name: str) -> bool:
    try:
        reverse(name) if name == "mdf:funds" or name.endswith("_changelist") else reverse(
            name, args=[1]
        )
    except NoReverseMatch:
        return False
    return True


def page(name: str, *args: Any) -> str:
    """The URL of `name`, real or stand-in (see the module's docstring)."""
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return "/" + "/".join([name, *map(str, args)])


@pytest.fixture
def stand_in_links(monkeypatch: pytest.MonkeyPatch) -> None:
    if not all(_resolves(name) for name in PAGES):
        import mdf.notifications
        import mdf.overview

        for module in (mdf.notifications, mdf.overview):
            monkeypatch.setattr(module, "reverse", lambda name, args=(), **kw: page(name, *args))
