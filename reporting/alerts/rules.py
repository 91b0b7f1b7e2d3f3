"""What a rule means: its period on a day, whether it is evaluated that day, and whether its
condition holds for a value (and whether a value is better than the threshold by the margin).

Kept apart from the sweep so that the rule's page ("would fire now for N subjects") and the
sweep read a rule the same way.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from prm.metrics import periods as P

from ..models import AlertRule

R = AlertRule


@dataclass(frozen=True)
class Window:
    """The period a rule reads on a day, and the one it is compared with (change rules)."""

    current: P.Period
    previous: P.Period | None


_SPAN = {R.Window.MONTH: P.MONTH, R.Window.QUARTER: P.QUARTER, R.Window.YEAR: P.YEAR}


def window_of(rule: AlertRule, today: date, fiscal_start: int = 1) -> Window:
    """The rule's period on `today` (a month, quarter or year to date, or the trailing days),
    and for a change rule the same stretch of the period before: the first N days of the
    previous quarter against the first N days of this one, so a running quarter is never
    compared with a whole one."""
    if rule.window == R.Window.TRAILING:
        current = P.last_days(rule.trailing_days or 30, today)
        span = P.CUSTOM
        full = current
    else:
        span = _SPAN[R.Window(rule.window)]
        full = P.period_for(span, today, fiscal_start=fiscal_start)
        current = P.to_date(full, today)
    if rule.comparison not in (R.Comparison.DROP, R.Comparison.RISE):
        return Window(current, None)
    before = P.previous(full, span, fiscal_start=fiscal_start)
    length = current.end - current.start
    return Window(current, P.Period(before.start, min(before.end, before.start + length)))


def week_of(period: P.Period, today: date) -> int:
    """Which week of the period `today` is in (week 1 starts on its first day)."""
    return (today - period.start).days // 7 + 1


def evaluated_on(rule: AlertRule, window: Window, today: date) -> bool:
    """Whether the rule is evaluated on `today`: a rule "from week N" waits until then (MDF
    utilisation is judged from week 8 of the quarter, not on its first day)."""
    return not rule.from_week or week_of(window.current, today) >= rule.from_week


def change_percent(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change from the previous period in percent; none without a previous value."""
    if current is None or not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Verdict:
    holds: bool
    #: better than the threshold by the rule's margin (resolves an open alert at once)
    clear_by_margin: bool


def judge(rule: AlertRule, value: Decimal | None, threshold: Decimal | None) -> Verdict:
    """Whether the condition holds for `value` against `threshold` (for change rules the
    value is the change in percent and the threshold the rule's percentage). No value (a ratio
    without rows, a partner without a tier requirement) never holds."""
    if value is None or threshold is None:
        return Verdict(False, False)
    margin = rule.resolve_margin or Decimal(0)
    comparison = rule.comparison
    if comparison in (R.Comparison.BELOW, R.Comparison.BELOW_TIER):
        holds, clear = value < threshold, value >= threshold + margin
    elif comparison == R.Comparison.ABOVE:
        holds, clear = value > threshold, value <= threshold - margin
    elif comparison == R.Comparison.DROP:
        holds, clear = value < -threshold, value >= -threshold + margin
    else:  # RISE
        holds, clear = value > threshold, value <= threshold - margin
    return Verdict(holds, margin > 0 and clear)


def resolves(rule: AlertRule, verdict: Verdict, clear_streak: int) -> bool:
    """Whether an open alert resolves now: better by the margin, or `resolve_after`
    evaluations in a row without the condition (this one counted in `clear_streak`)."""
    return not verdict.holds and (verdict.clear_by_margin or clear_streak >= rule.resolve_after)


REMIND_AFTER = timedelta(days=7)
