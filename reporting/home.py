"""The scorecard's card on the partner's home page: where to see how the company (a rep: they)
does, without a figure of its own (the home page carries many cards and its query budget; the
figures are on the scorecard, read once there)."""

from typing import Any

from prm.portal.home import Card


def scorecard_card(partner: Any) -> Card:
    return Card(template="reporting/scorecard_home_card.html", context={"partner": partner})
