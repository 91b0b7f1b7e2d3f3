"""Checks every text and date a form takes, whatever the form: `guard_fields(fields)` adds them.

`prm.forms.FormMixin` calls `guard_fields` before each validation, so every form of the product
(admin ModelForms through `TenantModelAdmin`, portal forms, CSV row forms) checks:

- **Text** (`CharField` and its kinds: email, URL, slug...): no control characters, no
  bidirectional overrides or isolates, no invisible characters. A right-to-left override can make
  "Acme" display as another customer's name in a CAM's queue, a zero-width space can make two
  equal names differ, and a NUL is refused by PostgreSQL. A multi-line field (a `Textarea`) keeps
  its line breaks and tabs; a single-line field has none. The zero-width joiner and non-joiner
  (needed in Persian, Indic scripts and emoji) and variation selectors (emoji, CJK) stay allowed:
  they shape letters, they do not hide or reorder them.
- **Dates** (`DateField`, `DateTimeField`, the admin's split date and time): between
  `EARLIEST` and `LATEST`. Every date the product keeps is a business date (a close date, a
  plan's milestone, a partner's joining day), so 1900-2100 is wider than any true one and
  refuses typing slips like 0202 or 20255 and probes like 9999-12-31, whose arithmetic (a
  protection window, an SLA clock) would overflow Python's year 9999 and fail the request.
"""

import unicodedata
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prm.dates import format_day

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

#: line breaks and tabs, which a multi-line text keeps
MULTILINE_WHITESPACE = frozenset("\n\r\t")
#: format characters that shape text without hiding or reordering it
SHAPING = frozenset("\u200c\u200d")  # zero-width non-joiner, zero-width joiner
#: invisible characters that are not of Unicode's "format" category (Unicode's
#: Default_Ignorable_Code_Point, less the variation selectors): hangul fillers, the combining
#: grapheme joiner, Khmer and Mongolian invisible vowels and separators, the braille blank
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u2800\u3164\uffa0"
)


def _refused(char: str, *, multiline: bool) -> bool:
    if multiline and char in MULTILINE_WHITESPACE:
        return False
    if char in INVISIBLE:
        return True
    # Cc: controls (NUL, escape, ...); Cf: format (bidi overrides and isolates, zero-width
    # space, soft hyphen, BOM, tags...); Cs: lone surrogates; Zl/Zp: line and paragraph
    # separators. (Unassigned code points are allowed: emoji newer than Python's tables.)
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in SHAPING
    return category in ("Cc", "Cs", "Zl", "Zp")


def hidden_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first character of `value` a text field refuses (its position from 1, the
    character), or None."""
    for position, char in enumerate(value, start=1):
        if _refused(char, multiline=multiline):
            return position, char
    return None


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()


class VisibleText:
    """Refuses control, bidirectional-override and invisible characters (see the module)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        found = hidden_character(str(value), multiline=self.multiline)
        if found is None:
            return
        position, char = found
        raise ValidationError(
            _(
                "Remove the invisible or control character at position %(position)d "
                "(%(character)s): it can disguise what the text says."
            ),
            code="hidden_character",
            params={"position": position, "character": _describe(char)},
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisibleText) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((VisibleText, self.multiline))


def validate_date_range(value: Any) -> None:
    """Refuse a date (or a moment) before `EARLIEST` or after `LATEST`."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": format_day(EARLIEST), "latest": format_day(LATEST)},
            code="date_out_of_range",
        )


DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def guard_fields(fields: dict[str, forms.Field]) -> None:
    """Add the text and date checks to every text and date field of a form (once each)."""
    for field in fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            check = VisibleText(multiline=isinstance(field.widget, forms.Textarea))
            if check not in field.validators:
                field.validators.append(check)
        elif isinstance(field, DATE_FIELDS) and validate_date_range not in field.validators:
            field.validators.append(validate_date_range)
