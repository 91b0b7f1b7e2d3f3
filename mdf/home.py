"""The Funds card on the partner's home page."""

from typing import Any

from prm.portal.home import Card


def funds_card(partner: Any) -> Card:
    """What the company may still request and the nearest claim deadline; the template reads
    them for the member viewing the page (`mdf_home_summary`)."""
    return Card(template="mdf/home_card.html", context={"partner": partner})
