"""The commission plan in the vendor admin UI: the plan and its versions (in force, scheduled,
drafts, history), a version's rules, drafting, editing, publishing and deleting a draft, and the
"what would this deal earn" preview.

Reading needs `commissions.view`; changing `commissions.manage`. Every page resolves its version
through `versions_of(request)` (the tenant's; 404 otherwise) and calls one service of
`commissions.services.plans`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deals.admin.common import object_pk
from deals.events import tenant_day
from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from ..engine import version_in_force
from ..models import Plan, PlanVersion
from ..services import plans as plan_services
from ..services.preview import deal_preview
from .forms import (
    ConfirmForm,
    OverrideFormSet,
    PlanCreateForm,
    PreviewForm,
    PublishForm,
    TierUpliftFormSet,
    TypeRateFormSet,
    VersionForm,
    VersionNewForm,
)

P = PlanVersion.Status


@admin.register(Plan, site=tenant_admin_site)
class PlanAdmin(TenantModelAdmin):
    """The menu's entry: the list and a plan's page open the plan page (one plan per tenant)."""

    capabilities = {"view": "commissions.view"}
    menu_position = 1
    fields = ["name"]
    readonly_fields = ["name"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:commissions_plan")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self.get_object(request, object_id)  # 404 for another tenant's id
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:commissions_plan")


def versions_of(request: HttpRequest) -> QuerySet[PlanVersion]:
    """The tenant's plan versions (staff with `commissions.view` see every one)."""
    return PlanVersion.objects.filter(tenant=tenant_of(request))


def _version(request: HttpRequest, pk: str) -> PlanVersion:
    return get_object_or_404(
        versions_of(request).select_related("plan", "published_by", "created_by"),
        pk=object_pk(str(pk)),
    )


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    request.current_app = tenant_admin_site.name
    return TemplateResponse(
        request,
        template,
        {**tenant_admin_site.each_context(request), "opts": PlanVersion._meta, **context},
    )


@dataclass(frozen=True)
class VersionRow:
    version: PlanVersion
    state: str
    state_kind: str


def _rows(versions: list[PlanVersion], today: date) -> dict[str, list[VersionRow]]:
    current = next(
        (v for v in versions if v.status == P.PUBLISHED and v.effective_from <= today), None
    )
    groups: dict[str, list[VersionRow]] = {
        "current": [],
        "scheduled": [],
        "drafts": [],
        "history": [],
    }
    for v in versions:
        if v.status == P.DRAFT:
            groups["drafts"].append(VersionRow(v, _("Draft"), "status-draft"))
        elif v.effective_from > today:
            groups["scheduled"].append(VersionRow(v, _("Scheduled"), "info"))
        elif v is current:
            groups["current"].append(VersionRow(v, _("In force"), "high"))
        else:
            groups["history"].append(VersionRow(v, _("Replaced"), "none"))
    groups["scheduled"].reverse()  # the next to come first
    return groups


@requires("commissions.view")
def plan_page(request: HttpRequest) -> HttpResponse:
    """The tenant's plan and its versions; before the plan exists, the form that makes it."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    plan = plan_services.plan_of(tenant)
    may_manage = membership.can("commissions.manage")
    if plan is None:
        form = PlanCreateForm(posted(request) if may_manage else None)
        if request.method == "POST":
            if not may_manage:
                raise PermissionDenied
            if form.is_valid():
                try:
                    with transaction.atomic():
                        plan_services.plan_create(
                            actor=membership,
                            name=form.cleaned_data["name"],
                            description=form.cleaned_data["description"],
                        )
                except ValidationError as exc:
                    errors_to_form(form, exc)
                else:
                    messages.success(
                        request, _("The plan is made: draft its first version and publish it.")
                    )
                    return redirect("admin:commissions_plan")
        return _page(
            request,
            "admin/commissions/plan/start.html",
            {"title": _("Commission plan"), "form": form, "may_manage": may_manage},
        )
    versions = list(
        plan.versions.select_related("published_by", "created_by").order_by(
            "-effective_from", "-number"
        )
    )
    return _page(
        request,
        "admin/commissions/plan/plan.html",
        {
            "title": plan.name,
            "plan": plan,
            "groups": _rows(versions, timezone.localdate()),
            "has_versions": bool(versions),
            "may_manage": may_manage,
        },
    )


@requires("commissions.view")
def version_page(request: HttpRequest, pk: str) -> HttpResponse:
    """A version's rules in tables."""
    version = _version(request, pk)
    membership = membership_of(request)
    return _page(
        request,
        "admin/commissions/plan/version.html",
        {
            "title": str(version),
            "version": version,
            "type_rates": version.type_rates.select_related("partner_type").order_by(
                "partner_type__name"
            ),
            "uplifts": version.tier_uplifts.select_related("tier").order_by("tier__name"),
            "overrides": version.product_overrides.select_related("product").order_by(
                "product__name"
            ),
            "in_force": version_in_force(version.tenant, timezone.localdate()),
            "may_manage": membership.can("commissions.manage"),
        },
    )


@requires("commissions.manage")
def version_new(request: HttpRequest) -> HttpResponse:
    """Draft a new version, a copy of the version in force (confirmed)."""
    membership = membership_of(request)
    plan = plan_services.plan_of(tenant_of(request))
    if plan is None:
        return redirect("admin:commissions_plan")
    source = (
        version_in_force(plan.tenant, timezone.localdate())
        or plan.versions.order_by("-number").first()
    )

    def on_valid(form: VersionNewForm) -> Done:
        draft = plan_services.version_new(actor=membership, plan=plan)
        return Done(
            _("Version %(number)s is a draft: change its rules, then publish it.")
            % {"number": draft.number},
            "admin:commissions_version_edit",
            [draft.pk],
        )

    return form_page(
        request,
        title=_("Draft a new version"),
        template="admin/commissions/plan/version_new.html",
        opts=PlanVersion._meta,
        form_class=VersionNewForm,
        on_valid=on_valid,
        context={"source": source, "cancel_url": reverse("admin:commissions_plan")},
    )


@requires("commissions.manage")
def version_edit(request: HttpRequest, pk: str) -> HttpResponse:
    """A draft's fields and its three rule tables on one page."""
    version = _version(request, pk)
    if not version.is_draft:
        messages.warning(request, _("A published version is never changed: draft a new version."))
        return redirect("admin:commissions_version", version.pk)
    tenant = version.tenant
    data = posted(request)
    form = VersionForm(data, instance=version)
    kwargs: dict[str, Any] = {"form_kwargs": {"tenant": tenant}}
    type_rates = TypeRateFormSet(
        data,
        prefix="types",
        initial=[
            {
                "partner_type": r.partner_type,
                "method": r.method,
                "rate": r.rate,
                "fixed_amount": r.fixed_amount,
                "quota": r.quota,
                "accelerated_rate": r.accelerated_rate,
            }
            for r in version.type_rates.select_related("partner_type").order_by(
                "partner_type__name"
            )
        ],
        **kwargs,
    )
    uplifts = TierUpliftFormSet(
        data,
        prefix="tiers",
        initial=[
            {"tier": u.tier, "points": u.points}
            for u in version.tier_uplifts.select_related("tier").order_by("tier__name")
        ],
        **kwargs,
    )
    overrides = OverrideFormSet(
        data,
        prefix="products",
        initial=[
            {"product": o.product, "rate": o.rate}
            for o in version.product_overrides.select_related("product").order_by("product__name")
        ],
        **kwargs,
    )
    if request.method == "POST":
        valid = [f.is_valid() for f in (form, type_rates, uplifts, overrides)]
        if all(valid):
            try:
                with transaction.atomic():
                    plan_services.version_update(
                        actor=membership_of(request),
                        version=version,
                        fields=form.cleaned_data,
                        type_rates=type_rates.rows(),
                        uplifts=uplifts.rows(),
                        overrides=overrides.rows(),
                    )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("admin:commissions_version", version.pk)
    return _page(
        request,
        "admin/commissions/plan/version_edit.html",
        {
            "title": _("Edit %(version)s") % {"version": version},
            "version": version,
            "form": form,
            "tables": [
                (
                    _("Rates by partner type"),
                    "types",
                    type_rates,
                    _("A partner type without a row earns the rate for other partner types."),
                ),
                (
                    _("Tier points"),
                    "tiers",
                    uplifts,
                    _("Percentage points a tier adds to a percent rate (Gold +5)."),
                ),
                (
                    _("Product overrides"),
                    "products",
                    overrides,
                    _(
                        "A rate for deals of one product, in place of the partner type's; "
                        "tier points are still added."
                    ),
                ),
            ],
            "cancel_url": reverse("admin:commissions_version", args=[version.pk]),
        },
    )


@requires("commissions.manage")
def version_publish(request: HttpRequest, pk: str) -> HttpResponse:
    """Publish a draft from a day (confirmed; says what it changes and whom it tells)."""
    version = _version(request, pk)
    if not version.is_draft:
        return redirect("admin:commissions_version", version.pk)
    membership = membership_of(request)
    earliest = plan_services.earliest_start(version.tenant)
    chosen = max(version.effective_from, earliest)
    form = PublishForm(posted(request), initial={"effective_from": chosen})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["effective_from"]
    effect = plan_services.publish_effect(version, chosen) if chosen >= earliest else None

    def on_valid(form: PublishForm) -> Done:
        published = plan_services.version_publish(
            actor=membership, version=version, effective_from=form.cleaned_data["effective_from"]
        )
        return Done(
            _("Version %(number)s is published: deals won from %(day)s are paid by it.")
            % {
                "number": published.number,
                "day": tenant_day(published.tenant, published.effective_from),
            },
            "admin:commissions_version",
            [published.pk],
        )

    return form_page(
        request,
        title=_("Publish %(version)s") % {"version": version},
        template="admin/commissions/plan/version_publish.html",
        obj=version,
        form_class=PublishForm,
        form_kwargs={"initial": {"effective_from": chosen}},
        on_valid=on_valid,
        context={
            "version": version,
            "effect": effect,
            "earliest": earliest,
            "earliest_text": plan_services.earliest_text(version.tenant, earliest),
            "partners_told": (
                ngettext(
                    "%(n)d partner's rate changes: it is told.",
                    "%(n)d partners' rates change: each is told.",
                    len(effect.partner_ids),
                )
                % {"n": len(effect.partner_ids)}
                if effect is not None
                else ""
            ),
            "cancel_url": reverse("admin:commissions_version", args=[version.pk]),
        },
    )


@requires("commissions.manage")
def version_delete(request: HttpRequest, pk: str) -> HttpResponse:
    """Delete a draft (confirmed)."""
    version = _version(request, pk)
    if not version.is_draft:
        return redirect("admin:commissions_version", version.pk)
    membership = membership_of(request)

    def on_valid(form: ConfirmForm) -> Done:
        plan_services.version_delete(actor=membership, version=version)
        return Done(
            _("The draft version %(number)s is deleted.") % {"number": version.number},
            "admin:commissions_plan",
        )

    return form_page(
        request,
        title=_("Delete %(version)s") % {"version": version},
        template="admin/commissions/plan/version_delete.html",
        obj=version,
        form_class=ConfirmForm,
        on_valid=on_valid,
        context={"cancel_url": reverse("admin:commissions_version", args=[version.pk])},
    )


@requires("commissions.view")
def preview(request: HttpRequest) -> HttpResponse:
    """What would this deal earn: a deal by its reference, or a deal's facts typed in."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    data = request.GET if request.GET else None
    form = PreviewForm(data, tenant=tenant, partners=visible_partners(membership).order_by("name"))
    result = None
    if data is not None and form.is_valid():
        try:
            result = deal_preview(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return _page(
        request,
        "admin/commissions/plan/preview.html",
        {"title": _("What would this deal earn?"), "form": form, "result": result},
    )
