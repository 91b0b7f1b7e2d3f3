"""The deals card on the partner's home page."""

from typing import Any

from prm.portal.home import Card


def deals_card(partner: Any) -> Card:
    """Open registrations, those needing attention and new leads; the template reads them for
    the member viewing the page (`deals_home_summary`)."""
    return Card(template="deals/home_card.html", context={"partner": partner})
