"""The content library in the vendor admin UI: the asset list (search, filters, engagement
and review columns), an asset with its file or link, tags and segments, named partners
(grant and revoke, confirmed), featuring (confirmed) and an asset's engagement page."""

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.dates import format_day
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of, tenant_of
from prm.uploads.private import private_file_response
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..models import Asset, AssetEngagement
from .forms import AssetForm, ConfirmForm, GrantForm
from .grants import granted_partner_ids, grants_of_outer_asset
from .selectors import asset_engagement, search_config
from .services import asset_feature, asset_grant, asset_revoke, asset_save


def _count(queryset: QuerySet[Any], key: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(key).annotate(n=Count("*")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


class ReviewFilter(admin.SimpleListFilter):
    """Stale content: assets whose review date has come, or comes within 30 days."""

    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("due", _("Review due")),
            ("soon", _("Due within 30 days")),
            ("none", _("No review date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Asset]) -> QuerySet[Asset]:
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(review_by__lte=today)
        if self.value() == "soon":
            return queryset.filter(review_by__gt=today, review_by__lte=today + timedelta(30))
        if self.value() == "none":
            return queryset.filter(review_by__isnull=True)
        return queryset


@admin.register(Asset, site=tenant_admin_site)
class AssetAdmin(TenantModelAdmin):
    """The content library: partners see a published asset if it targets them."""

    capabilities = {
        "view": "training.view",
        "add": "training.manage",
        "change": "training.manage",
        "delete": "training.manage",
    }
    form = AssetForm
    changelist_title = gettext_lazy("Content library")
    list_display = [
        "title",
        "type",
        "audience",
        "views",
        "downloads",
        "review",
        "changed",
        "state",
    ]
    key_columns = ("state",)
    list_filter = ["status", "type", "featured", ReviewFilter]
    search_fields = ["title"]
    search_help_text = gettext_lazy("Words of the title, description or tags.")
    list_per_page = 50
    change_form_template = "admin/training/library/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "description", "type"]}),
        (gettext_lazy("File or link"), {"fields": ["file", "link"]}),
        (
            gettext_lazy("Who sees it"),
            {"fields": ["status", "segments", "featured", "review_by"]},
        ),
        (
            gettext_lazy("Tags (partners filter by them)"),
            {"fields": ["industries", "partner_types", "tiers", "regions", "products"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Asset]:
        engagement = AssetEngagement.objects.filter(asset_id=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_views=_count(engagement.filter(kind=AssetEngagement.Kind.VIEW), "asset_id"),
                n_downloads=_count(
                    engagement.filter(kind=AssetEngagement.Kind.DOWNLOAD), "asset_id"
                ),
                n_segments=_count(
                    Asset.segments.through.objects.filter(asset_id=OuterRef("pk")), "asset_id"
                ),
                n_partners=_count(grants_of_outer_asset(), "object_pk"),
            )
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Asset], search_term: str
    ) -> tuple[QuerySet[Asset], bool]:
        # The same full-text search partners use (stemmed: "partners" finds "partner"), and
        # the title's letters for a word typed half-way.
        term = search_term.strip()
        if not term:
            return queryset, False
        words = SearchQuery(term, search_type="websearch", config=search_config(tenant_of(request)))
        return queryset.filter(Q(search=words) | Q(title__icontains=term)), False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # The tag choices are the tenant's partner types and tiers.
        return type(form.__name__, (form,), {"tenant": tenant_of(request)})

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Asset, form: Any, change: bool) -> None:
        if not change:
            obj.tenant = tenant_of(request)
        asset_save(actor=membership_of(request), asset=obj)

    # `asset_save` audits the creation and the change; the admin's own record would repeat it.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj: Asset) -> str:
        if obj.status == Asset.Status.DRAFT:
            return badge("status-draft", _("Draft"), _("Partners do not see it yet."))
        if obj.featured:
            return badge("high", _("Featured"), _("Published, shown first under Resources."))
        return badge("status-approved", _("Published"))

    @admin.display(description=gettext_lazy("who sees it"))
    def audience(self, obj: Asset) -> str:
        segments, partners = obj.n_segments, obj.n_partners  # type: ignore[attr-defined]
        if not segments and not partners:
            return _("Every partner")
        parts = []
        if segments:
            parts.append(ngettext("%(n)d segment", "%(n)d segments", segments) % {"n": segments})
        if partners:
            parts.append(
                ngettext("%(n)d named partner", "%(n)d named partners", partners) % {"n": partners}
            )
        return " + ".join(parts)

    @admin.display(description=gettext_lazy("views"), ordering="n_views")
    def views(self, obj: Asset) -> int:
        return obj.n_views  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("downloads"), ordering="n_downloads")
    def downloads(self, obj: Asset) -> int:
        return obj.n_downloads  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("review by"), ordering="review_by")
    def review(self, obj: Asset) -> Any:
        if obj.review_by is None:
            return None
        if obj.review_due:
            return badge("warning", _("Due %(day)s") % {"day": format_day(obj.review_by)})
        return format_day(obj.review_by)

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def changed(self, obj: Asset) -> Any:
        return time_tag(obj.updated_at, short=True)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/file/", wrap(self.file_view), name="training_asset_file"),
            path(
                "<path:object_id>/partners/",
                wrap(self.partners_view),
                name="training_asset_partners",
            ),
            path(
                "<path:object_id>/partners/<int:partner_id>/revoke/",
                wrap(self.revoke_view),
                name="training_asset_revoke",
            ),
            path(
                "<path:object_id>/feature/", wrap(self.feature_view), name="training_asset_feature"
            ),
            path(
                "<path:object_id>/engagement/",
                wrap(self.engagement_view),
                name="training_asset_engagement",
            ),
            *super().get_urls(),
        ]

    def _asset(self, request: HttpRequest, object_id: str) -> Asset:
        asset = self.get_object(request, object_id)
        if asset is None:
            raise Http404
        return asset

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        asset = self.get_object(request, object_id)
        if asset is not None:
            ids = granted_partner_ids(asset)
            extra["named_partners"] = list(
                visible_partners(membership_of(request)).filter(pk__in=ids).order_by("name")
            )
            extra["named_count"] = len(ids)
        return super().change_view(request, object_id, form_url, extra)

    def file_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """The asset's file, to staff who may see the library (drafts too)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        asset = self._asset(request, object_id)
        return private_file_response(
            asset.file, name=asset.file_name, content_type=asset.content_type
        )

    def partners_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The partners the asset is granted to by name, and a form to grant one more."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        asset = self._asset(request, object_id)
        membership = membership_of(request)
        ids = granted_partner_ids(asset)
        partners = visible_partners(membership).order_by("name")

        def grant(form: GrantForm) -> Done:
            partner = form.cleaned_data["partner"]
            asset_grant(actor=membership, asset=asset, partner=partner)
            return Done(
                _("%(partner)s now sees “%(asset)s” once it is published.")
                % {"partner": partner, "asset": asset},
                "admin:training_asset_partners",
                (asset.pk,),
            )

        return form_page(
            request,
            form_class=GrantForm,
            form_kwargs={"partners": partners.exclude(pk__in=ids)},
            on_valid=grant,
            admin_site=self.admin_site,
            template="admin/training/library/partners.html",
            title=_("Named partners: %s") % asset,
            obj=asset,
            context={
                "granted": list(partners.filter(pk__in=ids)),
                "segments": list(asset.segments.all()),
                "cancel_url": reverse("admin:training_asset_change", args=[asset.pk]),
            },
        )

    def revoke_view(self, request: HttpRequest, object_id: str, partner_id: int) -> HttpResponse:
        """Confirm, then take back one partner's named access."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        asset = self._asset(request, object_id)
        membership = membership_of(request)
        if partner_id not in granted_partner_ids(asset):
            raise Http404
        partner = get_object_or_404(visible_partners(membership), pk=partner_id)

        def revoke(form: ConfirmForm) -> Done:
            asset_revoke(actor=membership, asset=asset, partner=partner)
            return Done(
                _("%(partner)s no longer sees “%(asset)s” by name.")
                % {"partner": partner, "asset": asset},
                "admin:training_asset_partners",
                (asset.pk,),
            )

        return form_page(
            request,
            form_class=ConfirmForm,
            on_valid=revoke,
            admin_site=self.admin_site,
            template="admin/training/library/revoke.html",
            title=_("Stop showing %(asset)s to %(partner)s") % {"asset": asset, "partner": partner},
            obj=asset,
            context={
                "partner": partner,
                "cancel_url": reverse("admin:training_asset_partners", args=[asset.pk]),
            },
        )

    def feature_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then feature the asset (or stop featuring it)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        asset = self._asset(request, object_id)
        membership = membership_of(request)
        featured = not asset.featured

        def feature(form: ConfirmForm) -> Done:
            asset_feature(actor=membership, asset=asset, featured=featured)
            text = (
                _("“%(asset)s” is featured: partners it targets see it first.")
                if featured
                else _("“%(asset)s” is no longer featured.")
            )
            return Done(text % {"asset": asset}, "admin:training_asset_change", (asset.pk,))

        return form_page(
            request,
            form_class=ConfirmForm,
            on_valid=feature,
            admin_site=self.admin_site,
            template="admin/training/library/feature.html",
            title=(_("Feature %s") if featured else _("Stop featuring %s")) % asset,
            obj=asset,
            context={
                "featuring": featured,
                "cancel_url": reverse("admin:training_asset_change", args=[asset.pk]),
            },
        )

    def engagement_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """How often partners viewed and downloaded the asset, and which partners most."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        asset = self._asset(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Engagement: %s") % asset,
            "opts": self.model._meta,
            "original": asset,
            "asset": asset,
            "engagement": asset_engagement(asset, membership_of(request)),
        }
        return render(request, "admin/training/library/engagement.html", context)
