"""Presentation helpers every app's admin pages share (their styles are in static/css/admin.css).

`badge(kind, text, title)` is the one coloured label of the admin UI. Kinds:
`high` / `medium` / `low` / `none` (a scale), `info`, `warning`, `failed`, `conflict`, and
`status-<status>` for a row's state (its colour says waiting, good, attention or closed).

`form_page(...)` is the envelope of the admin UI's one-form pages (approve, reject, assign, invite,
...), which all render `admin/prm/form_page.html` or a template extending it: the view resolves the
object and checks the member may act, then hands the rest to `form_page`, whose `on_valid` calls
the one service and says where to go with a `Done`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString

from prm.dates import format_day, format_moment
from prm.forms import form_call
from prm.tenancy.models import Membership
from prm.tenancy.requests import membership_of, posted
from prm.workspace.sites import tenant_admin_site

FormT = TypeVar("FormT", bound=forms.BaseForm)


def badge(kind: str, text: Any, title: Any = "") -> SafeString:
    """A coloured label; `title` is shown on hover."""
    return format_html(
        '<span class="prm-badge prm-badge-{}" title="{}">{}</span>', kind, title, text
    )


def time_tag(value: datetime | None, *, short: bool = False) -> SafeString | str:
    """A moment in a list: the day (`short`) or day and time, with both on hover; — for none."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        format_moment(local),
        format_day(local) if short else format_moment(local),
    )


@dataclass(frozen=True)
class Done:
    """Where a form page goes once its service succeeded: `message` is shown (at `level`) on
    the page `redirect(to, *args)` leads to (`to`: a URL name or a URL)."""

    message: str
    to: str
    args: Sequence[Any] = ()
    level: int = messages.SUCCESS


def form_page(
    request: HttpRequest,
    *,
    form_class: type[FormT],
    form_kwargs: Mapping[str, Any] | None = None,
    on_valid: Callable[[FormT], Done],
    admin_site: admin.AdminSite = tenant_admin_site,
    template: str,
    title: str | Promise,
    obj: Model | None = None,
    opts: "Options[Any] | None" = None,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """One form on an admin page: show it (GET) or take it (POST).

    The caller has already resolved `obj` through a selector narrowed to what the member sees
    (404 otherwise) and checked the member may act. Here the form is `form_class(data,
    **form_kwargs)`, bound on a POST (even an empty one, so that its errors show). A valid form
    goes to `on_valid`, which calls the one service and returns a `Done`: its message is added
    and the member is redirected. A `ValidationError` from `on_valid`, or a unique constraint
    another request won, is put beside the fields it names, else at the top of the form
    (`prm.forms.form_call`), and the page is rendered again; any other exception
    (`PermissionDenied`, ...) propagates.

    The template gets the `each_context` of `admin_site` (the tenant admin by default), `title`,
    `opts` (by default `obj`'s; a page without an object names them), `form`, `object` (only when
    `obj` is given) and `context`.
    """
    if opts is None:
        if obj is None:
            raise TypeError("form_page() needs `opts` when there is no `obj`.")
        opts = obj._meta
    form = form_class(posted(request), **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        done = form_call(form, on_valid, form)
        if done is not None:
            messages.add_message(request, done.level, done.message)
            return redirect(done.to, *done.args)
    page = {
        **admin_site.each_context(request),
        "title": title,
        **({"object": obj} if obj is not None else {}),
        "opts": opts,
        "form": form,
        **(context or {}),
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, template, page)


def decision_page(
    request: HttpRequest,
    obj: Model,
    *,
    allowed: Callable[[], object],
    screen: str,
    form_class: type[FormT],
    decide: Callable[[Membership, dict[str, Any]], object],
    done: Done,
    title: str | Promise,
    template: str,
    form_kwargs: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """One decision on one object from its screen (approve a registration, reject a request,
    approve a claim): the confirm page whose valid form calls the one service.

    The caller found `obj` through a selector narrowed to what the member sees (404 otherwise)
    and the view declared its capability. `allowed()` raises the workflow's refusal (a
    `ValidationError`: "A request that is approved cannot be rejected.") when the object's
    status refuses the action: the member is sent back to `screen` (a URL name taking the
    object's key) with why, and nothing is shown or done. Otherwise `form_page` shows the form,
    and a valid one calls `decide(member, cleaned_data)`; then `done`.
    """
    try:
        allowed()
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect(screen, obj.pk)

    def on_valid(form: FormT) -> Done:
        decide(membership_of(request), form.cleaned_data)
        return done

    return form_page(
        request,
        title=title,
        template=template,
        obj=obj,
        form_class=form_class,
        form_kwargs=form_kwargs,
        on_valid=on_valid,
        context=context,
    )
