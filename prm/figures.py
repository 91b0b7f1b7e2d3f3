"""Counts, quantities and percentages as people read them (money is `prm.money`'s, dates are
`prm.dates`').

A count stored as a `Decimal` (a metric's value, a goal's target) is shown without the zeros
its column adds: "6 users", never "6.00 users"; a fraction keeps its digits ("2.5 days"). Groups
and decimal marks follow the active language ("12,345.5" in English, "12.345,5" in German).
CSV exports keep plain numbers instead.
"""

from decimal import Decimal

from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent
from django.utils.translation import gettext, ngettext

from .dates import babel_locale

Number = Decimal | int | float


def format_number(value: Number | None, *, language: str | None = None) -> str:
    """`value` with the active language's separators and no trailing zeros: "6", "12,345.5".

    The one formatter for counts and quantities on pages, in emails and notifications (template
    filter `number` in `prm_formats`). `None` is shown as "—".
    """
    if value is None:
        return "—"
    return format_decimal(_plain(value), locale=babel_locale(language), decimal_quantization=False)


def format_percent(value: Number | None, *, language: str | None = None) -> str:
    """`value` percent (15 for 15 %) as the active language writes it: "15%" (en), "15 %" (de).

    Template filter `percent` in `prm_formats`. `None` is shown as "—".
    """
    if value is None:
        return "—"
    return babel_percent(
        _plain(value) / 100, locale=babel_locale(language), decimal_quantization=False
    )


def _plain(value: Number) -> Decimal:
    # Decimal("6.00") -> 6 and Decimal("5000") stays 5000 (normalize() alone gives 5E+3).
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


_KB = 1024
_MB = 1024 * _KB


def format_file_size(size: int | None, *, language: str | None = None) -> str:
    """A file's size as people read it: "2.4 MB", "500 KB", "900 bytes" (one decimal at most,
    in the active language's number format). Template filter `file_size` in `prm_formats`."""
    if size is None:
        return "—"
    for unit, factor in ((gettext("MB"), _MB), (gettext("KB"), _KB)):
        if size >= factor:
            value = round(Decimal(size) / factor, 1)
            return f"{format_number(value, language=language)} {unit}"
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {
        "size": format_number(size, language=language)
    }
