"""What the REST API serves, registered by the apps that own the data.

The core names no app: each app registers, from its `AppConfig.ready()`,

    register_resource("deals", _("Deal registrations"))          # a scope keys are given
    register_viewset("deals", DealViewSet)                         # /api/v1/deals/...
    register_representation(Deal, DealSerializer)                  # what webhooks send of a deal

A key's scopes are per resource ("read" or "write", which includes reading); a viewset says which
resource it serves (`ApiViewSet.resource`). `represent(obj)` gives the API's representation of
any registered model instance, so a webhook's payload is exactly what the API would answer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise

READ = "read"
WRITE = "write"
LEVELS = (READ, WRITE)


@dataclass(frozen=True)
class Resource:
    name: str
    label: str | Promise
    #: what a key with this scope may do, for the key form ("Read and update partner companies")
    help: str | Promise = ""
    #: the resource offers only reading: the key form offers no "write"
    read_only: bool = False


@dataclass(frozen=True)
class Route:
    prefix: str
    viewset: type[Any]
    basename: str


_RESOURCES: dict[str, Resource] = {}
_ROUTES: dict[str, Route] = {}
_REPRESENTATIONS: dict[type[models.Model], Callable[[models.Model], dict[str, Any]]] = {}


def register_resource(
    name: str, label: str | Promise, help: str | Promise = "", *, read_only: bool = False
) -> Resource:
    """Declare a scope API keys can be given (`name` is also what viewsets name)."""
    resource = Resource(name, label, help, read_only)
    if name in _RESOURCES and _RESOURCES[name] != resource:
        raise ValueError(f"API resource {name!r} registered twice, differently")
    _RESOURCES[name] = resource
    return resource


def resources() -> list[Resource]:
    return sorted(_RESOURCES.values(), key=lambda r: r.name)


def resource(name: str) -> Resource:
    try:
        return _RESOURCES[name]
    except KeyError:
        raise ValueError(f"Unknown API resource {name!r}: register it first") from None


def register_viewset(prefix: str, viewset: type[Any], basename: str | None = None) -> None:
    """Serve `viewset` at /api/v1/<prefix>/. Its `resource` must be registered."""
    resource(viewset.resource)
    if prefix in _ROUTES:
        raise ValueError(f"API prefix {prefix!r} registered twice")
    _ROUTES[prefix] = Route(prefix, viewset, basename or prefix.replace("/", "-"))


def routes() -> list[Route]:
    return sorted(_ROUTES.values(), key=lambda r: r.prefix)


def register_representation(model: type[models.Model], serializer: type[Any]) -> None:
    """`represent(obj)` of a `model` instance is `serializer(obj).data`."""

    def render(obj: models.Model) -> dict[str, Any]:
        return dict(serializer(obj).data)

    _REPRESENTATIONS[model] = render


def represent(obj: models.Model) -> dict[str, Any] | None:
    """The API's representation of `obj` (plain JSON types), or None for a model the API does
    not serve. Read it fresh: the caller passes the row as it is now."""
    render = _REPRESENTATIONS.get(type(obj))
    return None if render is None else render(obj)
