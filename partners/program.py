"""The partner's "My program" page: its sections, in page order.

Each area of the program (tier, agreement, onboarding, business plan, team) has a builder that
gets the partner company and the viewing membership and returns its section, or None when it
has nothing to show to this member.
"""

from collections.abc import Callable

from prm.tenancy.models import Membership

from .models import Partner
from .onboarding.portal import onboarding_section
from .plans.section import plan_section
from .sections import Section, agreement_section, team_section, tier_section

#: the page's sections, top to bottom
SECTIONS: list[Callable[[Partner, Membership], Section | None]] = [
    tier_section,
    agreement_section,
    onboarding_section,
    plan_section,
    team_section,
]


def program_sections(partner: Partner, membership: Membership) -> list[Section]:
    """The sections this member sees, in page order."""
    return [s for build in SECTIONS if (s := build(partner, membership)) is not None]
