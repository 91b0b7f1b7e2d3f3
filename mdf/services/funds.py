"""Funds: their period, their request window, and what their totals say.

A fund's period is a quarter or a year; its first and last days come from the one period helper
(`prm.metrics.periods`), never worked out here. Creating and changing a fund is the admin form's
save (`mdf.admin.funds`), audited by `TenantModelAdmin` as `mdf.fund.created` / `mdf.fund.changed`;
the checks a person must see beside the fields live here so that any caller applies the same.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prm.dates import format_day
from prm.metrics.periods import Period, quarter_of, year_of
from prm.money import format_money

from ..models import Fund

ZERO = Decimal("0.00")


def fund_period(kind: str, first_day: date) -> Period:
    """The quarter or year that starts on `first_day`; `ValidationError` (on `starts_on`) when
    `first_day` is not the first day of one, naming the day it should be."""
    period = quarter_of(first_day) if kind == Fund.Period.QUARTER else year_of(first_day)
    if period.start != first_day:
        what = _("quarter") if kind == Fund.Period.QUARTER else _("year")
        raise ValidationError(
            {
                "starts_on": _(
                    "A %(what)s starts on its first day: the %(what)s of %(day)s starts on "
                    "%(start)s."
                )
                % {"what": what, "day": format_day(first_day), "start": format_day(period.start)}
            }
        )
    return period


def fund_check(
    *,
    period: Period,
    opens_on: date | None,
    closes_on: date | None,
    collect_ahead: bool,
    budget: Decimal | None,
    allocated: Decimal,
    currency: str,
) -> None:
    """The rules a fund's dates and budget follow; `ValidationError` naming the fields.

    - the request window closes on or after it opens, and no later than the period ends
      (requests are for activities of the period);
    - collecting requests ahead needs the window to open before the period starts;
    - the budget covers what is already allocated from it.
    """
    errors: dict[str, str] = {}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("The window closes before it opens: pick a later day.")
    elif closes_on and closes_on > period.end:
        errors["closes_on"] = _(
            "Requests are for activities of the period, which ends on %(end)s: close the "
            "window on that day or before."
        ) % {"end": format_day(period.end)}
    if collect_ahead and opens_on and opens_on >= period.start:
        errors["opens_on"] = _(
            "To collect requests ahead, the window opens before the period starts (%(start)s)."
        ) % {"start": format_day(period.start)}
    if budget is not None and budget < allocated:
        errors["budget"] = _(
            "%(allocated)s is already allocated from this fund: the budget cannot be lower. "
            "Lower allocations first."
        ) % {"allocated": format_money(allocated, currency)}
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Window:
    """Where a fund's request window stands on a day."""

    #: "open", "upcoming" or "closed"
    state: str
    text: str


def window_of(fund: Fund, today: date) -> Window:
    """The window's state as a sentence: open (until …), opens on …, closed."""
    if today < fund.opens_on:
        return Window("upcoming", _("opens on %(day)s") % {"day": format_day(fund.opens_on)})
    if today > fund.closes_on:
        return Window("closed", _("closed on %(day)s") % {"day": format_day(fund.closes_on)})
    return Window("open", _("open until %(day)s") % {"day": format_day(fund.closes_on)})


def period_label(fund: Fund) -> str:
    """ "Q1 2027" or "2027"."""
    if fund.period == Fund.Period.QUARTER:
        return _("Q%(n)d %(year)d") % {
            "n": (fund.starts_on.month - 1) // 3 + 1,
            "year": fund.starts_on.year,
        }
    return str(fund.starts_on.year)
