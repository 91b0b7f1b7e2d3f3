"""Paging long lists by their keys first (a "deferred join").

A page of a list sorted by an indexed column, filtered down to what one member may see, is
cheapest when the database first finds the page's primary keys from an index, and only then
reads those rows with everything joined and annotated to them. Done in one query, PostgreSQL
often joins and annotates every matching row before it sorts and cuts the page: with ten
thousand registrations waiting for one CAM, that was most of the page's time (see bench/).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class _Rows(Sequence[Any]):
    """A page's rows, read when first looked at (an admin CSV export never looks at them)."""

    def __init__(self, read: Callable[[], list[Any]]) -> None:
        self._read = read
        self._rows: list[Any] | None = None

    def _all(self) -> list[Any]:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]


class DeferredJoinPaginator(Paginator):
    """A paginator over a queryset that reads each page in two queries: its keys (sorted and
    sliced by the queryset's own ordering), then those rows with the queryset's joins."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]

        def read() -> list[Any]:
            keys = list(queryset.values_list("pk", flat=True)[bottom:top])
            found = {row.pk: row for row in queryset.filter(pk__in=keys)}
            return [found[pk] for pk in keys if pk in found]

        return Page(_Rows(read), number, self)
