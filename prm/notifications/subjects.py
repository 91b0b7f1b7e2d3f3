"""Email subjects and display names: plain text on one line.

A subject is a mail header, not HTML: rendering its template with Django's HTML autoescaping
turns "Margie's Travel" into "Margie&#x27;s Travel" in the reader's inbox. And a header must stay
on one line: a line break in a tenant's or partner's name would otherwise either make Django
refuse the message (`BadHeaderError`, a server error) or, with a less careful mailer, start a
header of its own (`Bcc: ...`). Every subject the product sends — the tenant's emails, the outbox,
allauth's account emails — goes through `render_subject` or `one_line`.
"""

from typing import Any

from django.template import Context, Engine

# one_line lives in prm.text, below the tenancy package, whose email_from needs it too.
from prm.text import one_line

__all__ = ["one_line", "render_subject"]


def render_subject(template_name: str, context: dict[str, Any]) -> str:
    """Render a `*_subject.txt` template as a plain-text subject line.

    Autoescaping is off (a subject template has no reason to turn it on), so names keep their
    `'`, `&` and `<`; the result goes through `one_line`. The template gets `context`
    only (no context processors), as `render_to_string` without a request does.
    """
    template = Engine.get_default().get_template(template_name)
    return one_line(template.render(Context(context, autoescape=False)))
