"""Walk the URL patterns of a tenant host."""

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def walk(urlconf: str = "prm.urls") -> Iterator[tuple[str | None, URLPattern]]:
    """Yield (namespaced name, pattern) for every pattern, descending into includes."""

    def descend(patterns: list[Any], namespace: str) -> Iterator[tuple[str | None, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from descend(p.url_patterns, ns)
            else:
                yield (f"{namespace}{p.name}" if p.name else None, p)

    yield from descend(get_resolver(urlconf).url_patterns, "")
