"""Masking the links that carry a secret, wherever staff read what was sent to someone else.

A link is a secret when it opens a public page (`prm.tenancy.decorators.public`: anyone holding
it may use it) with a parameter: the parameter is then what authorises, as in invitation links,
password-reset and email-confirmation keys, and unsubscribe tokens. The rule is found by
resolving each link against the tenant URLs rather than listed, so a later app's token link
(a certificate to verify, a file to download) is masked without anyone adding it here.
Ordinary links (a deal's page, the portal home) stay readable: they need a sign-in anyway.

`mask_secret_urls` replaces, in such a link, each path segment holding a parameter and each
query value with MASK. The staff views of the email outbox show bodies only through it
(`prm.notifications.admin`).
"""

import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404
from django.urls import resolve

from prm.tenancy.decorators import PUBLIC, declared_capability

MASK = "********"
#: an absolute http(s) link, up to whitespace, a quote or a tag
URL = re.compile(r"https?://[^\s<>\"']+")
#: what ends a sentence rather than the link
TRAILING = ".,;:!?)]}"


def mask_secret_urls(text: str) -> str:
    """`text` with the secret parts of its secret links replaced by MASK."""
    return URL.sub(lambda m: _mask_link(m.group(0)), text)


def _mask_link(link: str) -> str:
    stripped = link.rstrip(TRAILING)
    return _masked(stripped) + link[len(stripped) :]


def _masked(link: str) -> str:
    parts = urlsplit(link)
    try:
        match = resolve(parts.path or "/", urlconf=settings.ROOT_URLCONF)
    except Http404:  # Resolver404: not one of our pages
        return link
    if declared_capability(match.func) != PUBLIC:
        return link
    values = [str(v) for v in (*match.args, *match.kwargs.values()) if str(v)]
    path = "/".join(
        MASK if any(v in segment for v in values) else segment for segment in parts.path.split("/")
    )
    query = "&".join(f"{key}={MASK}" for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
