"""Counting the queries of one page or one CSV download, for the query-budget tests."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.worlds import host_client_for

K = TypeVar("K")


def page_queries(client: Any, url: str) -> int:
    """The queries of a page, asked twice: the first request of a session also binds it to the
    host, so only the second is counted."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def export_queries(client: Any, url: str, min_lines: int = 2) -> int:
    """The queries of a CSV download, its streamed body included (counted the second time)."""

    def download() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content)

    download()
    with CaptureQueriesContext(connection) as ctx:
        body = download()
    assert body.count(b"\n") >= min_lines
    return len(ctx.captured_queries)


# Growing the data is what costs: a budget module grows its world once, in a transaction that is
# rolled back, and counts every page at both sizes before the tests that assert on the counts.


@contextmanager
def rolled_back(unblock: Callable[[], AbstractContextManager[None]]) -> Iterator[None]:
    """Database writes that last while a module measures its pages, then are undone.

    `unblock` is pytest-django's `django_db_blocker.unblock`: a module-scoped fixture runs before
    any test opens its transaction, so the shared worlds (committed) stay as they were.
    """
    with unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Counts:
    """A page's queries at the small and at the large data size, or what went wrong."""

    small: int | Exception
    large: int | Exception


def count_all(keys: Iterable[K], count: Callable[[K], int]) -> dict[K, int | Exception]:
    """`count(key)` for every key; a failure is kept for that key's test to raise, so one broken
    page fails its own test rather than the whole module."""
    # Fresh rows have no planner statistics: without them PostgreSQL picks nested loops that
    # take seconds at a few hundred rows (the counts are the same either way; the time is not).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counted: dict[K, int | Exception] = {}
    for key in keys:
        try:
            counted[key] = count(key)
        except Exception as exc:  # re-raised by assert_budget in the page's own test
            counted[key] = exc
    return counted


def at_two_sizes(
    small: dict[K, int | Exception], large: dict[K, int | Exception]
) -> dict[K, Counts]:
    return {key: Counts(small[key], large[key]) for key in small}


def assert_budget(counts: Counts, budget: int) -> None:
    """The page costs the same at both sizes (no N+1), and no more than its budget."""
    for measured in (counts.small, counts.large):
        if isinstance(measured, Exception):
            raise measured
    assert counts.small == counts.large, f"{counts.small} queries small, {counts.large} large"
    assert counts.large <= budget, f"{counts.large} queries, over the budget of {budget}"


class Clients:
    """One logged-in client per role of a world, made when first used."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self._clients: dict[str, Any] = {}

    def __getitem__(self, role: str) -> Any:
        if role not in self._clients:
            self._clients[role] = host_client_for(self.world.host, self.world.members[role])
        return self._clients[role]
