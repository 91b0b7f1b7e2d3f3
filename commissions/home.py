"""The Earnings card on the partner's home page."""

from typing import Any

from prm.portal.home import Card


def earnings_card(partner: Any) -> Card:
    """What is pending and approved per currency, and the next payout; the template reads them
    for the member viewing the page (`money_summary`: a rep sees their own deals' money)."""
    return Card(template="commissions/home_card.html", context={"partner": partner})
