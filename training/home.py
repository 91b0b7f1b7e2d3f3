"""The "Continue learning" card on the partner's home page."""

from typing import Any

from prm.portal.home import Card


def learning_card(partner: Any) -> Card:
    """The courses the member is taking, with Resume; the template reads them for the member
    viewing the page (`learning_summary`), since a provider only gets the company."""
    return Card(template="training/home_card.html", context={"partner": partner})
