"""The partner agreement in the vendor admin UI: publishing versions, and who accepted them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from prm.forms import ModelForm
from prm.security.client_ip import client_ip
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..agreements.services import agreement_publish
from ..models import AgreementAcceptance, AgreementVersion


class PublishAgreementForm(ModelForm):
    class Meta:
        model = AgreementVersion
        fields = ["title", "body_html"]
        widgets = {"body_html": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body_html": _(
                "HTML with headings, paragraphs, lists, bold/italic and links; anything else "
                "is removed when you publish."
            )
        }


@admin.register(AgreementVersion, site=tenant_admin_site)
class AgreementVersionAdmin(TenantModelAdmin):
    """Publishing a version is final: partners accept what they read, so it is never edited."""

    capabilities = {"view": "partners.view", "add": "partners.manage"}
    form = PublishAgreementForm
    list_display = ["version", "title", "published_at", "published_by", "acceptance_count"]
    list_select_related = ["published_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementVersion]:
        visible = visible_partners(membership_of(request))
        return (
            super()
            .get_queryset(request)
            .annotate(
                acceptance_count=Count("acceptances", filter=Q(acceptances__partner__in=visible))
            )
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            ["title", "body_html"] if obj is None else ["version", "title", "text", "published_at"]
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["version", "title", "text", "published_at"]

    @admin.display(description=_("text"))
    def text(self, obj: AgreementVersion) -> str:
        return mark_safe(obj.body_html)  # noqa: S308 - sanitized with an allow-list on publish

    @admin.display(description=_("accepted by"), ordering="acceptance_count")
    def acceptance_count(self, obj: AgreementVersion) -> int:
        return obj.acceptance_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        published = agreement_publish(
            actor=membership_of(request),
            title=form.cleaned_data["title"],
            body_html=form.cleaned_data["body_html"],
            ip=client_ip(request),
        )
        obj.pk = published.pk  # the admin's redirect and message name the published row

    # The service audits publishing.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass


@admin.register(AgreementAcceptance, site=tenant_admin_site)
class AgreementAcceptanceAdmin(TenantModelAdmin):
    capabilities = {"view": "partners.view"}
    list_display = ["partner", "agreement", "accepted_by_label", "accepted_at", "ip_address"]
    list_select_related = ["partner", "agreement"]
    list_filter = ["agreement"]
    search_fields = ["partner__name", "accepted_by_label"]
    fields = readonly_fields = (
        "partner",
        "agreement",
        "accepted_by_label",
        "accepted_at",
        "ip_address",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementAcceptance]:
        return (
            super()
            .get_queryset(request)
            .filter(partner__in=visible_partners(membership_of(request)))
        )
