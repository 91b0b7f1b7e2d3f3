"""The notification center: list, unread count (htmx), open, mark all read, preferences."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.security.redirects import safe_next
from prm.tenancy.decorators import public, requires
from prm.tenancy.requests import TenantRequest, posted, user_of

from . import categories, selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 20


@requires("account.self")
def notification_list(request: TenantRequest) -> HttpResponse:
    if request.membership.is_vendor_staff:
        return redirect("admin:notifications")
    page = Paginator(
        selectors.notifications_for(tenant=request.tenant, user=user_of(request)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@requires("account.self")
def unread_count(request: TenantRequest) -> HttpResponse:
    """The bell's badge, fetched by htmx every few seconds."""
    count = selectors.unread_count(tenant=request.tenant, user=user_of(request))
    return render(request, "notifications/_count.html", {"notifications_unread": count})


@requires("account.self")
def notification_open(request: TenantRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(
        selectors.notifications_for(tenant=request.tenant, user=user_of(request)), pk=pk
    )
    link = services.notification_open(membership=request.membership, notification=notification)
    return redirect(link or "notifications:list")


@require_POST
@requires("account.self")
def mark_all_read(request: TenantRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(membership=request.membership)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect(safe_next(request, request.POST.get("next"), reverse("notifications:list")))


@requires("account.self")
def preferences(request: TenantRequest) -> HttpResponse:
    current = selectors.preferences_for(tenant=request.tenant, user=user_of(request))
    form = PreferencesForm(posted(request), initial_choices=current)
    if request.method == "POST" and form.is_valid():
        for category, delivery in form.cleaned_data.items():
            services.preference_set(
                membership=request.membership, category=category, delivery=delivery
            )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@public
def unsubscribe(request: TenantRequest, token: str) -> HttpResponse:
    """The link in every notification email: confirm, then stop that category's emails."""
    if request.method == "POST":
        try:
            _user, category = services.unsubscribe(tenant=request.tenant, token=token)
        except ValidationError:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": True, "category": categories.label(category)},
        )
    return render(request, "notifications/unsubscribe.html", {"token": token})
