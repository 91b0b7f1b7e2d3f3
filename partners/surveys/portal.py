"""The portal home's "1 survey waiting" card, while the member has an open survey."""

from typing import Any

from prm.portal.home import Card


def surveys_card(partner: Any) -> Card:
    """The template counts the member's own open requests (`open_surveys`): a provider only
    gets the company."""
    return Card(template="partners/survey_card.html", context={})
