"""Axes: nice round ticks (1-2-5 steps) over the data, and the mapping from a value to a pixel.

Values stay `Decimal` until they become a coordinate, so a tick reads "0.1", never
"0.30000000000000004".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

#: the multiples of a power of ten a step may be
STEPS = (Decimal(1), Decimal(2), Decimal(5), Decimal(10))


def nice_step(span: Decimal, target: int) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that cuts `span` into at most `target`
    parts (about: a 1-2-5 step is never more than 2.5 times the raw step)."""
    raw = span / target
    power = Decimal(1).scaleb(raw.adjusted())
    return next(m * power for m in STEPS if m * power >= raw)


def nice_ticks(
    low: Decimal, high: Decimal, *, target: int = 5, whole: bool = False
) -> list[Decimal]:
    """Round ticks from at or below `low` to at or above `high`, in 1-2-5 steps.

    `whole` keeps steps of at least 1 (counts: never "0.5 partners"). An empty span (all values
    equal) widens to include zero, or to 0..1 when everything is zero.
    """
    if low > high:
        low, high = high, low
    if low == high:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
        if low == high:
            high = Decimal(1)
    step = nice_step(high - low, target)
    if whole and step < 1:
        step = Decimal(1)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    count = int((last - first) / step)
    return [_plain(first + i * step) for i in range(count + 1)]


def _plain(value: Decimal) -> Decimal:
    # 1E+3 -> 1000 and -0 -> 0, so a tick prints as people write it
    value = value + 0
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@dataclass(frozen=True)
class Scale:
    """Values from `low` to `high` onto pixels from `start` to `end` (`end` may be smaller:
    a vertical axis grows upwards)."""

    low: Decimal
    high: Decimal
    start: float
    end: float

    def __call__(self, value: Decimal) -> float:
        share = float((value - self.low) / (self.high - self.low))
        return self.start + share * (self.end - self.start)

    @property
    def zero(self) -> float:
        """Where zero is, or the nearer edge when zero is outside the domain."""
        return self(min(max(Decimal(0), self.low), self.high))


def domain(
    values: Iterable[Decimal | None], *, include_zero: bool = True
) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest value (None when there is none), zero included when asked."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    low, high = min(present), max(present)
    if include_zero:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    return low, high
