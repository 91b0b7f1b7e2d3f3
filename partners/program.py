"""The sections of the partner's "My program" page.

Each area of the program (tier, agreement, onboarding, business plan, team) registers a provider
in `PartnersConfig.ready()`. A provider gets the partner company and the viewing membership and
returns its section, or None when it has nothing to show to this member.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from prm.tenancy.models import Membership

from .models import Partner


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    icon: str  # a Bootstrap Icons name
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Provider:
    order: int
    build: Callable[[Partner, Membership], Section | None]


_PROVIDERS: dict[str, _Provider] = {}


def register_section(
    key: str, build: Callable[[Partner, Membership], Section | None], *, order: int
) -> None:
    _PROVIDERS[key] = _Provider(order=order, build=build)


def program_sections(partner: Partner, membership: Membership) -> list[Section]:
    """The sections this member sees, in page order."""
    providers = sorted(_PROVIDERS.items(), key=lambda item: (item[1].order, item[0]))
    return [s for _key, p in providers if (s := p.build(partner, membership)) is not None]
