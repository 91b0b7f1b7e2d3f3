"""The staff to-do home: what waits for the signed-in member, card by card (`admin:index`).

Apps contribute cards without the core knowing them: each registers a provider from its
`AppConfig.ready()`,

    register_todo(decisions_todo, capability="deals.approve", order=10)

and the home asks every provider whose capability the member holds, in `order`. A provider gets
the member's `Membership` (tenant, role and, through `prm.tenancy.partner_access`, the partners
they see: a CAM's card counts only their partners' items) and returns a `TodoCard`, or None when
the card does not apply. A card says what waits as lines, each a count with a link to the list
filtered to exactly those items, and may show the most urgent items themselves as rows. A card
whose lines are all zero still shows, with its `empty` text: "nothing overdue" is news too.

A provider reads with a fixed number of queries (a count per card, the first rows): the home's
query budget is asserted at two data sizes for every staff role (`tests/test_workspace_budgets.py`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.safestring import SafeString

from prm.tenancy.models import Membership
from prm.tenancy.providers import Providers


@dataclass(frozen=True)
class TodoLine:
    """`count` things that wait, said by `text` (already in the count's plural), linking `url`
    to the list filtered to them. `kind` colours the count: a badge kind of
    `prm.workspace.ui.badge` ("failed" for overdue, "conflict", "warning", "info", "none")."""

    text: str
    count: int
    url: str
    kind: str = "info"
    #: shown even at zero ("0 overdue" is reassuring next to "5 waiting")
    always: bool = False


@dataclass(frozen=True)
class TodoRow:
    """One waiting item itself: its name (linking to it), about whom, and a badge (an SLA)."""

    title: str
    url: str
    detail: str = ""
    badge: SafeString | str = ""


@dataclass(frozen=True)
class TodoCard:
    key: str
    title: str | Promise
    lines: Sequence[TodoLine]
    #: what the card says when nothing waits, and what happens next
    empty: str | Promise
    #: (label, url) of the whole list
    link: tuple[str | Promise, str] | None = None
    rows: Sequence[TodoRow] = field(default_factory=list)
    #: the heading of the rows ("Most urgent")
    rows_title: str | Promise = ""

    @property
    def shown_lines(self) -> list[TodoLine]:
        return [line for line in self.lines if line.count or line.always]

    @property
    def waiting(self) -> int:
        """How many items the card counts (its lines may overlap: for ordering only)."""
        return sum(line.count for line in self.lines)

    @property
    def urgent(self) -> bool:
        return any(line.count and line.kind in ("failed", "conflict") for line in self.lines)


Provider = Callable[[Membership], TodoCard | None]


_PROVIDERS: Providers[Provider] = Providers()


def register_todo(provider: Provider, *, capability: str | None = None, order: int = 500) -> None:
    """Show `provider`'s card on the staff home, by `order`, to members holding `capability`."""
    _PROVIDERS.register(provider, capability=capability, order=order)


def todo_cards(membership: Membership) -> list[TodoCard]:
    """The cards of the member's home, in order (a provider lacking the capability is not asked)."""
    return [
        card
        for provider in _PROVIDERS.for_member(membership)
        if (card := provider(membership)) is not None
    ]
