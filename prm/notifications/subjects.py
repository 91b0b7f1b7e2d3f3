"""Email subjects and display names: plain text on one line.

A subject is a mail header, not HTML: rendering its template with Django's HTML autoescaping
turns "Margie's Travel" into "Margie&#x27;s Travel" in the reader's inbox. And a header must stay
on one line: a line break in a tenant's or partner's name would otherwise either make Django
refuse the message (`BadHeaderError`, a server error) or, with a less careful mailer, start a
header of its own (`Bcc: ...`). Every subject the product sends — the tenant's emails, the outbox,
allauth's account emails — goes through `render_subject` or `one_line`.
"""

import unicodedata
from typing import Any

from django.template import Context, Engine

#: Unicode categories that are never part of a header's text: control characters (line breaks,
#: NUL, ...) and the line and paragraph separators.
_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def one_line(text: str) -> str:
    """`text` on one line: control characters and line breaks become spaces, runs of spaces
    one space, and the ends are trimmed."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)
    return " ".join(spaced.split())


def render_subject(template_name: str, context: dict[str, Any]) -> str:
    """Render a `*_subject.txt` template as a plain-text subject line.

    Autoescaping is off (a subject template has no reason to turn it on), so names keep their
    `'`, `&` and `<`; the result goes through `one_line`. The template gets `context`
    only (no context processors), as `render_to_string` without a request does.
    """
    template = Engine.get_default().get_template(template_name)
    return one_line(template.render(Context(context, autoescape=False)))
