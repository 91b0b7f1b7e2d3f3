"""How views declare the capability they need.

Every tenant view declares the capability it needs (`requires`), or that it is public (`public`);
`tests/isolation` fails any URL pattern that declares nothing. A member lacking the capability gets
403; a vendor staff member who opens a partner-portal page (`portal.*`) is sent to the admin UI.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])

PUBLIC = "public"


def check_capability(request: HttpRequest, capability: str) -> HttpResponse | None:
    """Return the response that refuses the request, or None when it may go on."""
    if getattr(request, "tenant", None) is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = request.membership  # type: ignore[attr-defined]
    if membership is None:  # pragma: no cover - MembershipMiddleware logs such users out
        return redirect_to_login(request.get_full_path())
    if membership.can(capability):
        return None
    if capability.startswith("portal.") and membership.is_vendor_staff:
        return redirect("admin:index")
    raise PermissionDenied


def requires(capability: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce the capability a function view needs.

    Not checked against the registry here: views may be imported (by the admin's autodiscovery)
    before the apps above the core have registered theirs. An unknown capability is held by
    nobody, and `tests/isolation/test_meta.py` fails for it.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refusal = check_capability(request, capability)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def public(view: ViewFunc) -> ViewFunc:
    """Declare a tenant view that anyone may open (sign-in, invitation links)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "tenant", None) is None:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.required_capability = PUBLIC  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def declared_capability(view: Callable[..., Any]) -> str | None:
    """The capability a resolved URL callback declared, or None (used by the meta-test)."""
    return getattr(view, "required_capability", None)
