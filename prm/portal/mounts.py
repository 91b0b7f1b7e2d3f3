"""Where each app's URLs hang on a tenant host.

An app mounts its URL module from its `AppConfig.ready()` (`mount("deals/", "deals.urls")`);
`prm/urls.py` includes whatever was mounted, so the core's URL conf names no app above it.
"""

from django.urls import URLResolver, include, path

_MOUNTS: dict[str, str] = {}


def mount(prefix: str, urlconf: str) -> None:
    """Serve the patterns of module `urlconf` under `prefix` ("deals/") on every tenant host."""
    if prefix in _MOUNTS:
        raise ValueError(f"{prefix!r} is mounted already ({_MOUNTS[prefix]})")
    _MOUNTS[prefix] = urlconf


def mounted() -> list[URLResolver]:
    return [path(prefix, include(urlconf)) for prefix, urlconf in _MOUNTS.items()]
