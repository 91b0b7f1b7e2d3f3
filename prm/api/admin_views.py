"""The API keys' pages: the list, a new key (shown once), a key's page and revoking it.

Every page declares `integrations.manage` (program leaders); a key is found through
`selectors.api_keys_for`, so another tenant's key answers 404.
"""

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from prm.audit.selectors import audit_events_for
from prm.audit.sentences import describe
from prm.filters import parse_id
from prm.pagination import DeferredJoinPaginator
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.workspace.sites import tenant_admin_site
from prm.workspace.ui import Done, form_page

from . import registry
from .forms import ApiKeyForm, RevokeForm
from .models import ApiKey
from .selectors import api_keys_for
from .services import api_key_create, api_key_revoke

PAGE_SIZE = 25
CAPABILITY = "integrations.manage"
#: the session key under which a new key waits to be shown once, on its page
_SHOW_ONCE = "api_key_shown_once_{pk}"


def _key(request: HttpRequest, pk: str) -> ApiKey:
    number = parse_id(pk)
    if number is None:
        raise Http404
    return get_object_or_404(api_keys_for(membership=membership_of(request)), pk=number)


def _scopes(key: ApiKey) -> list[tuple[registry.Resource, str | None]]:
    return [(resource, key.level(resource.name)) for resource in registry.resources()]


def _page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    request.current_app = tenant_admin_site.name
    return TemplateResponse(
        request, template, {**tenant_admin_site.each_context(request), **context}
    )


@requires(CAPABILITY)
def key_list(request: HttpRequest) -> HttpResponse:
    """The tenant's keys, newest first: what each may do, its status and its last use."""
    keys = api_keys_for(membership=membership_of(request))
    page = DeferredJoinPaginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(key, [(r, level) for r, level in _scopes(key) if level]) for key in page]
    return _page(
        request,
        "admin/api/key_list.html",
        {"title": _("API keys"), "page": page, "rows": rows},
    )


@requires(CAPABILITY)
def key_create(request: HttpRequest) -> HttpResponse:
    """A new key: name, scopes, expiry and rate limit. Its page then shows the whole key once."""
    membership = membership_of(request)

    def create(form: ApiKeyForm) -> Done:
        new = api_key_create(
            actor=membership,
            name=form.cleaned_data["name"],
            scopes=form.scopes(),
            expires_at=form.expires_at(),
            rate_limit=form.cleaned_data["rate_limit"],
        )
        request.session[_SHOW_ONCE.format(pk=new.key.pk)] = new.token
        return Done(
            _("The key “%(name)s” is created. Copy it now: it is shown only once.")
            % {"name": new.key.name},
            reverse("admin:api_key", args=[new.key.pk]),
        )

    return form_page(
        request,
        form_class=ApiKeyForm,
        on_valid=create,
        template="admin/api/key_form.html",
        title=_("New API key"),
        opts=ApiKey._meta,
        context={"cancel_url": reverse("admin:api_keys")},
    )


@requires(CAPABILITY)
def key_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A key: its scopes, status, last use and history; right after it was created, the whole
    key, once (it is taken out of the session as it is shown)."""
    key = _key(request, pk)
    token = request.session.pop(_SHOW_ONCE.format(pk=key.pk), None)
    response = _page(
        request,
        "admin/api/key_detail.html",
        {
            "title": key.name,
            "key": key,
            "token": token,
            "scopes": _scopes(key),
            "history": [
                (event, describe(event))
                for event in audit_events_for(tenant=key.tenant, obj=key, limit=20)
            ],
            "example_url": _example_url(request, key),
        },
    )
    add_never_cache_headers(response)  # the page may hold the secret
    return response


def _example_url(request: HttpRequest, key: ApiKey) -> str:
    """A list the key may read, for the "Try it" line under a new key."""
    prefix = next(
        (route.prefix for route in registry.routes() if key.level(route.viewset.resource)), ""
    )
    return request.build_absolute_uri(f"/api/v1/{prefix}/" if prefix else "/api/v1/docs/")


@requires(CAPABILITY)
def key_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    """GET: what revoking does, and the button; POST: revoke (`services.api_key_revoke`)."""
    key = _key(request, pk)
    membership = membership_of(request)
    url = reverse("admin:api_key", args=[key.pk])

    def revoke(form: RevokeForm) -> Done:
        api_key_revoke(actor=membership, key=key, reason=form.cleaned_data["reason"])
        return Done(_("The key “%(name)s” is revoked.") % {"name": key.name}, url)

    obj: Model = key
    return form_page(
        request,
        form_class=RevokeForm,
        on_valid=revoke,
        template="admin/api/key_revoke.html",
        title=_("Revoke %(name)s") % {"name": key.name},
        obj=obj,
        context={"key": key, "cancel_url": url},
    )
