"""How a chart writes its figures.

Every figure a reader can quote (a bar's value, a point's tooltip, the data table) is written
by the one formatter of metric values, `prm.metrics.registry.format_value` (money through
`prm.money`, counts and percentages through `prm.figures`), or by the formatter the caller
passes. Axis ticks are round scale marks, not figures: money ticks drop the cents and large
ticks are written short ("$5K", "1.5M") in the active language's way (CLDR compact forms), so a
narrow axis stays legible.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_compact_currency, format_compact_decimal
from django.utils.translation import gettext_lazy as _

from prm.dates import babel_locale
from prm.figures import format_number, format_percent
from prm.metrics.registry import format_value

Format = Callable[[Decimal], str]

UNITS = ("count", "money", "percent", "days", "hours", "ratio", "score")
#: units whose figures are bare numbers: the word goes beside the axis and in the table's head
UNIT_WORDS = {"days": _("days"), "hours": _("hours")}
#: from here on, a tick is written short
COMPACT_FROM = Decimal(10000)


@dataclass(frozen=True)
class Figures:
    """The formatters of one chart: `value` for figures, `tick` for the axis, `word` the unit
    written beside bare numbers ("days")."""

    value: Callable[[Decimal | None], str]
    tick: Callable[[Decimal], str]
    word: str
    whole: bool  # counts: ticks in whole steps


def figures_for(unit: str, *, currency: str = "", format: Format | None = None) -> Figures:
    """The formatters for `unit` (one of UNITS; "money" needs `currency`), or the caller's own
    `format` for both figures and ticks."""
    if unit not in UNITS:
        raise ValueError(f"Unknown chart unit {unit!r}")
    if unit == "money" and not currency and format is None:
        raise ValueError("A money chart needs its currency")
    word = str(UNIT_WORDS.get(unit, ""))
    if format is not None:
        custom = format
        return Figures(
            value=lambda v: "—" if v is None else custom(v), tick=custom, word=word, whole=False
        )

    def value(v: Decimal | None) -> str:
        return format_value(v, unit, currency=currency)

    def tick(v: Decimal) -> str:
        locale = babel_locale()
        if unit == "money":
            return str(
                format_compact_currency(v, currency.upper(), locale=locale, fraction_digits=1)
            )
        if unit == "percent":
            return format_percent(v)
        if abs(v) >= COMPACT_FROM:
            text = str(format_compact_decimal(v, locale=locale, fraction_digits=1))
        else:
            text = format_number(v)
        return text + "×" if unit == "ratio" else text

    return Figures(value=value, tick=tick, word=word, whole=unit == "count")
