"""The partners app in the vendor admin UI, one module per area of the program."""

from . import (  # noqa: F401 - they register their model admins
    agreements,
    applications,
    companies,
    onboarding,
    overview,
    plans,
    recruitment,
    segments,
    settings,
    surveys,
    tiers,
)
