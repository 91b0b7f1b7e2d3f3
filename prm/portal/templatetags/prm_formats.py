"""The house's one way to show money, dates and figures in templates (prm.money, prm.dates,
prm.figures).

{% load prm_formats %}
{{ deal.amount|money:deal.currency }}   $42,000.00
{{ deal.expires_at|day }}               Mar 6, 2027
{{ deal.submitted_at|moment }}          Dec 6, 2026, 2:05 PM
{{ goal.target|number }}                12 (a Decimal 12.00), 2.5
{{ tier.discount|percent }}             15% (of 15.00)
{{ attachment.size|file_size }}         2.4 MB
"""

from datetime import date, datetime
from decimal import Decimal

from django import template

from prm.dates import format_day, format_moment
from prm.figures import format_file_size, format_number, format_percent
from prm.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def day(value: date | datetime | None) -> str:
    return format_day(value)


@register.filter
def moment(value: datetime | None) -> str:
    return format_moment(value)


@register.filter
def number(value: Decimal | int | None) -> str:
    return format_number(value)


@register.filter
def percent(value: Decimal | int | None) -> str:
    return format_percent(value)


@register.filter
def file_size(value: int | None) -> str:
    return format_file_size(value)
