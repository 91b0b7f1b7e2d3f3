"""Presentation helpers every app's admin pages share (their styles are in static/css/admin.css).

`badge(kind, text, title)` is the one coloured label of the admin UI. Kinds:
`high` / `medium` / `low` / `none` (a scale), `info`, `warning`, `failed`, `conflict`, and
`status-<status>` for a row's state (its colour says waiting, good, attention or closed).
"""

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString


def badge(kind: str, text: Any, title: Any = "") -> SafeString:
    """A coloured label; `title` is shown on hover."""
    return format_html(
        '<span class="prm-badge prm-badge-{}" title="{}">{}</span>', kind, title, text
    )
