"""The vendor admin UI (the workspace) on tenant hosts: its site and the base of every model admin.

`TenantModelAdmin` is the base of every model admin on the tenant site. It narrows every queryset
and foreign-key choice to the request's tenant, sets the tenant on new rows, answers 404 for ids
outside the tenant, maps add/view/change/delete to capabilities from the registry, and writes its
history to the audit log (never to Django's global LogEntry table, which knows no tenant).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper
from importlib import import_module
from typing import Any, ClassVar, TypeVar, cast

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, include, path, reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prm.admin_forms import GuardedFormsAdmin, GuardedFormsInline
from prm.audit.selectors import audit_events_for
from prm.audit.services import audit_record
from prm.filters import CheckedInputAdmin
from prm.security.client_ip import client_ip
from prm.security.redirects import safe_next
from prm.tenancy.branding import branding_for
from prm.tenancy.decorators import declared_capability, public
from prm.tenancy.models import Tenant
from prm.tenancy.requests import tenant_of, user_of

from .todo import todo_cards

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


class TenantAdminSite(admin.AdminSite):
    """The vendor admin UI: only vendor staff of the host's tenant get in."""

    index_template = "admin/prm/index.html"
    site_url = None
    enable_nav_sidebar = True
    # No catch-all: an unknown admin URL is a plain 404 rather than a login redirect.
    final_catch_all_view = False
    # What the house formatter shows for no value (prm.money, prm.dates): "—", not Django's "-".
    empty_value_display = "—"

    #: Django admin URLs the product does not use (no model has an absolute URL or autocomplete
    #: fields, and passwords change through allauth): not mounted, so not reachable.
    UNUSED_URL_NAMES = frozenset({"view_on_site", "autocomplete", "password_change_done"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._extra_views: list[tuple[str, Callable[..., HttpResponse], str]] = []
        self._app_urls: list[tuple[str, str]] = []
        self._menu_pages: list[MenuPage] = []

    def register_view(self, route: str, view: Callable[..., HttpResponse], name: str) -> None:
        """Add a page of an app to the admin UI (behind `admin_view`: staff of this tenant)."""
        self._extra_views.append((route, view, name))

    def register_urls(self, route: str, urlconf: str) -> None:
        """Mount an app's admin pages, listed in its own urls module (`urlconf`, a dotted path
        whose `urlpatterns` are plain `path()`s), under `route`; each view behind `admin_view`.

        The pages come before the model admins' URLs, so `deals/deal/<id>/approve/` is an app's
        page and not the model admin's "<id>/" redirect; their names join the `admin` namespace.
        """
        self._app_urls.append((route, urlconf))

    def register_menu_page(
        self, app_label: str, label: str | Promise, url_name: str, capability: str, position: int
    ) -> None:
        """List an app's page that is not a model admin (a dashboard) in the side menu and on
        "All pages", under the app, for members holding `capability`; `url_name` is in the
        `admin` namespace, `position` orders it among the app's model admins (`menu_position`).
        """
        self._menu_pages.append(MenuPage(app_label, label, url_name, capability, position))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = [
            path(route, self.admin_view(view), name=name) for route, view, name in self._extra_views
        ]
        for route, urlconf in self._app_urls:
            patterns = [
                URLPattern(p.pattern, self.admin_view(p.callback), p.default_args, p.name)
                for p in import_module(urlconf).urlpatterns
            ]
            urls.append(path(route, include(patterns)))
        for p in super().get_urls():
            if isinstance(p, URLPattern) and p.name in self.UNUSED_URL_NAMES:
                continue
            if isinstance(p, URLPattern) and p.name in ("login", "logout"):
                # Both only send the visitor to allauth's pages: open to anyone on the host.
                view = self.login if p.name == "login" else self.logout
                p = URLPattern(p.pattern, public(view), p.default_args, p.name)
            else:
                _declare_admin_access(p)
            urls.append(p)
        return urls

    def has_permission(self, request: HttpRequest) -> bool:
        membership = getattr(request, "membership", None)
        return membership is not None and membership.can("admin.access")

    def admin_view(self, view: ViewT, cacheable: bool = False) -> ViewT:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request, "tenant", None) is None:
                raise Http404
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied  # a partner user: the admin UI is not for them
            return inner(request, *args, **kwargs)

        wrapper.required_capability = "admin.access"  # type: ignore[attr-defined]
        return cast(ViewT, update_wrapper(wrapper, view))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One sign-in page per host: allauth's, in the tenant's branding, with MFA.
        if request.user.is_authenticated:
            return redirect("admin:index")
        home = reverse("admin:index")
        return redirect_to_login(
            safe_next(request, request.GET.get("next"), home), reverse("account_login")
        )

    # The stubs promise a TemplateResponse; these pages are redirects to allauth's.
    def logout(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return redirect("account_logout")

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return redirect("account_change_password")

    def index(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        """The staff home: what waits for the member (`prm.workspace.todo`), then every page."""
        membership = getattr(request, "membership", None)
        context = {
            "title": _("Your to-do list"),
            "todo_cards": todo_cards(membership) if membership is not None else [],
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Each app's pages in the order its model admins give (`menu_position`, then by name),
        so an app lists its main page first rather than alphabetically."""
        found = super().get_app_list(request, app_label)
        self._add_menu_pages(request, found, app_label)
        for app in found:
            app["models"].sort(
                key=lambda m: (
                    m.get("menu_position")
                    or getattr(self._registry.get(m["model"]), "menu_position", 100),
                )
            )
        return found

    def _add_menu_pages(self, request: HttpRequest, found: list[Any], only: str | None) -> None:
        membership = getattr(request, "membership", None)
        if membership is None:
            return
        for page in self._menu_pages:
            if (only and page.app_label != only) or not membership.can(page.capability):
                continue
            app = next((a for a in found if a["app_label"] == page.app_label), None)
            url = reverse(f"admin:{page.url_name}", current_app=self.name)
            if app is None:
                config = apps.get_app_config(page.app_label)
                app = {
                    "name": capfirst(str(config.verbose_name)),
                    "app_label": page.app_label,
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [],
                }
                found.append(app)
                found.sort(key=lambda a: a["name"].lower())
            app["models"].append(
                {
                    "model": None,
                    "name": capfirst(str(page.label)),
                    "object_name": page.url_name,
                    "perms": {"view": True},
                    "admin_url": url,
                    "add_url": None,
                    "view_only": True,
                    "menu_position": page.position,
                }
            )

    def app_index(
        self, request: HttpRequest, app_label: str, extra_context: Any = None
    ) -> TemplateResponse:
        # "Partners", not Django's "Partners administration".
        try:
            name = apps.get_app_config(app_label).verbose_name
        except LookupError:
            raise Http404 from None
        return super().app_index(
            request, app_label, {"title": capfirst(str(name)), **(extra_context or {})}
        )

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            branding = branding_for(tenant)
            context.update(
                branding=branding,
                tenant=tenant,
                membership=getattr(request, "membership", None),
                site_header=branding.title,
                site_title=branding.title,
            )
        return context


@dataclass(frozen=True)
class MenuPage:
    """A page listed in the admin UI's menu without a model admin behind it."""

    app_label: str
    label: str | Promise
    url_name: str
    capability: str
    position: int


def _declare_admin_access(pattern: URLPattern | URLResolver) -> None:
    """Mark admin views with the capability `admin_view` enforces on each of them.

    Django's admin wraps every view in `admin_view` (which checks `has_permission`), then in a
    plain function of its own that does not carry our attribute; this puts it on the outer one.
    """
    if isinstance(pattern, URLResolver):
        for inner in pattern.url_patterns:
            _declare_admin_access(inner)
    elif declared_capability(pattern.callback) is None:
        pattern.callback.required_capability = "admin.access"  # type: ignore[attr-defined]


tenant_admin_site = TenantAdminSite(name="admin")


def tenant_choices(model: type[models.Model], tenant: Tenant) -> models.QuerySet[Any]:
    """The rows of `model` a form on `tenant`'s admin may offer as foreign-key choices."""
    if model is Tenant:
        return Tenant.objects.filter(pk=tenant.pk)
    if model is get_user_model():
        return model._default_manager.filter(memberships__tenant=tenant).distinct()
    if any(f.name == "tenant" for f in model._meta.get_fields()):
        return model._default_manager.filter(tenant=tenant)
    return model._default_manager.all()


def _member_can(request: HttpRequest, capability: str | None) -> bool:
    membership = getattr(request, "membership", None)
    return bool(capability and membership and membership.can(capability))


class TenantModelAdmin(GuardedFormsAdmin, CheckedInputAdmin):
    """Base of every model admin on the tenant site. Declare `capabilities` per action.

    Its forms have the product's checks, and a lost unique race comes back as the form with
    its error (`prm.admin_forms`); bad filter values and selections are refusals
    (`CheckedInputAdmin`, prm/filters.py)."""

    #: action ("view", "add", "change", "delete"; "export" and "import" for prm.csvio.admin's
    #: CSV buttons) -> capability; a missing action is refused.
    capabilities: ClassVar[dict[str, str]] = {}
    #: the list page's title; by default the model's plural name ("Partners")
    changelist_title: str | Promise | None = None
    #: the columns a reader decides by (status, conflict, decision clock), last in
    #: `list_display`: when the list is wider than the screen they stay at its right edge
    #: while the rest scrolls (static/js/admin.js)
    key_columns: ClassVar[tuple[str, ...]] = ()
    #: where the model comes in its app's menu (lower first; the same: by name; settings
    #: pages take 200, after the default)
    menu_position: ClassVar[int] = 100
    change_list_template = "admin/prm/change_list.html"
    change_form_template = "admin/prm/change_form.html"
    object_history_template = "admin/prm/object_history.html"
    # A website typed without a scheme means https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # An empty value reads as a dash, never as "None" or Django's "-".
    empty_value_display = "—"
    #: lookups across a relation the list takes from its query string without a filter panel
    #: of their own, for the links to a metric's rows ("statement__paid_on"): Django allows
    #: such a lookup only when a list filter names it
    related_lookups: ClassVar[tuple[str, ...]] = ()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if any(lookup == f or lookup.startswith(f + "__") for f in self.related_lookups):
            return True
        return super().lookup_allowed(lookup, value, request)

    def _can(self, request: HttpRequest, action: str) -> bool:
        return _member_can(request, self.capabilities.get(action))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "view") or self._can(request, "change")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "view") or self._can(request, "change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "delete")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).filter(tenant=tenant_of(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another tenant's id looks exactly like a missing one.
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault(
            "queryset",
            tenant_choices(db_field.related_model, tenant_of(request)),
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault(
            "queryset",
            tenant_choices(db_field.related_model, tenant_of(request)),
        )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.tenant = tenant_of(request)
        super().save_model(request, obj, form, change)

    # History goes to the tenant's audit log.
    def _audit(self, request: HttpRequest, obj: Any, verb: str, message: Any) -> None:
        opts = obj._meta
        audit_record(
            tenant=tenant_of(request),
            actor=user_of(request),
            action=f"{opts.app_label}.{opts.model_name}.{verb}",
            obj=obj,
            after={"change": _change_text(message)} if message else None,
            ip=client_ip(request),
        )

    # History goes to the tenant's AuditEvent, so these return no LogEntry (the stubs expect one).
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        self._audit(request, obj, "created", message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        self._audit(request, obj, "changed", message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:  # type: ignore[override]
        for obj in queryset:
            self._audit(request, obj, "deleted", None)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # "Partners", not Django's "Select partner to change".
        title = self.changelist_title or capfirst(str(self.opts.verbose_name_plural))
        extra = {"title": title, "key_columns": " ".join(self.key_columns)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context["audit_events"] = audit_events_for(tenant=tenant_of(request), obj=obj)
        if context.get("title") in _default_titles(self.opts):
            # The object's name ("Northwind Solutions"), not Django's "Change partner".
            if obj is not None and obj.pk:
                context.update(title=str(obj), subtitle=None)
            else:
                context.update(title=_("New %(thing)s") % {"thing": self.opts.verbose_name})
        return super().render_change_form(request, context, *args, **kwargs)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "object": obj,
            "opts": self.opts,
            "audit_events": audit_events_for(tenant=tenant_of(request), obj=obj, limit=200),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _default_titles(opts: Any) -> set[str]:
    """The titles Django gives add and change pages, which a page of its own replaces."""
    name = opts.verbose_name
    return {str(_(verb) % name) for verb in ("Add %s", "Change %s", "View %s")}


def _change_text(message: Any) -> str:
    """Django admin passes change messages as JSON-able lists; keep a readable sentence."""
    if isinstance(message, list):
        return LogEntry(change_message=json.dumps(message)).get_change_message()
    return str(message)


class TenantInline(GuardedFormsInline, admin.TabularInline):
    """Base of inlines on the tenant site: `edit` and `view` name the capabilities that let a
    member change the inline's rows, and see them."""

    #: "edit" (add, change, delete) and "view" -> capability
    capabilities: ClassVar[dict[str, str]] = {}
    extra = 1

    def _can(self, request: HttpRequest, action: str) -> bool:
        return _member_can(request, self.capabilities.get(action))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "edit")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "edit")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "edit")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, "view") or self._can(request, "edit")
