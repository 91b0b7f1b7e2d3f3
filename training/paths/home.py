"""The "Certification expiring" card on the partner's home page."""

from typing import Any

from prm.portal.home import Card


def expiring_card(partner: Any) -> Card:
    """Shown only when one of the viewing member's certifications expires within 30 days; the
    template reads them for that member (a provider gets only the company)."""
    return Card(template="training/paths/home_card.html", context={"partner": partner})
