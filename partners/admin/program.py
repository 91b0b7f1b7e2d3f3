"""Partner companies, types, segments, tiers and agreements in the vendor admin UI."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_objects_for_user

from prm.csvio.admin import CsvExportMixin, CsvImportMixin
from prm.csvio.importing import CsvImporter
from prm.metrics.registry import choices as metric_choices
from prm.tenancy.admin_sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.tenancy.partner_access import MANAGE_PARTNER, visible_partners
from prm.tenancy.requests import membership_of, posted, tenant_of

from .. import imports, selectors, services
from ..agreements.services import agreement_publish
from ..models import (
    AgreementAcceptance,
    AgreementVersion,
    Partner,
    PartnerType,
    Segment,
    Tier,
    TierProposal,
    TierRequirement,
)
from ..segments.selectors import segment_q
from ..tiers import services as tier_services
from ..tiers.selectors import requirement_summary


class PartnerAdminForm(forms.ModelForm):
    """The partner's profile, plus its CAMs and a reason field for status changes."""

    # Declared with no rows: the class is built at import, outside any tenant scope; each request
    # fills in its tenant's types (get_form).
    partner_type = forms.ModelChoiceField(
        label=_("Type"), queryset=PartnerType.objects.none(), required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    cams = forms.ModelMultipleChoiceField(
        label=_("Channel account managers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see and act on this partner; other CAMs do not."),
    )
    status_reason = forms.CharField(
        label=_("Reason for the status change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you change the status; the partner's admins see it."),
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "partner_type",
            "website",
            "country",
            "region",
            "industry",
            "size_band",
            "status",
            "joined_on",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status_changed = self.instance.pk and "status" in self.changed_data
        if status_changed and not (data.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Say why the status changes."))
        if status_changed and data.get("status"):
            error = services.transition_error(self.initial["status"], data["status"])
            if error:
                self.add_error("status", error)
        return data


class CamFilter(admin.SimpleListFilter):
    title = _("channel account manager")
    parameter_name = "cam"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        cams = selectors.cams_of_tenant(tenant_id=tenant_of(request).pk)
        return [("none", str(_("Nobody assigned")))] + [
            (str(m.user_id), m.user.email) for m in cams
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Partner]) -> QuerySet[Partner]:
        if self.value() == "none":
            return queryset.filter(cam_emails__isnull=True)
        if self.value():
            cam = (
                selectors.cams_of_tenant(tenant_id=tenant_of(request).pk)
                .filter(user_id=self.value())
                .first()
            )
            if cam is None:
                return queryset.none()
            managed = get_objects_for_user(
                cam.user,
                MANAGE_PARTNER,
                klass=queryset.model.objects.all(),
                accept_global_perms=False,
            )
            return queryset.filter(pk__in=managed.values("pk"))
        return queryset


@admin.register(Partner, site=tenant_admin_site)
class PartnerAdmin(CsvExportMixin, CsvImportMixin, TenantModelAdmin):
    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "export": "partners.view",
        "import": "partners.manage",
    }
    form = PartnerAdminForm
    list_display = [
        "name",
        "partner_type",
        "tier",
        "status",
        "region",
        "country",
        "cams",
        "active_users",
    ]
    list_filter = ["status", "partner_type", "tier", "region", CamFilter, "industry", "size_band"]
    search_fields = ["name", "website", "domain"]
    readonly_fields = ["domain"]
    csv_columns = [
        "name",
        "partner_type",
        "tier",
        "status",
        "country",
        "region",
        "industry",
        "size_band",
        "website",
        "domain",
        "joined_on",
        "cams",
        "active_users",
    ]
    change_form_template = "admin/partners/partner/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        # Through the selector: a CAM's list, search and object URLs hold only their partners.
        return selectors.partners_for(membership=membership_of(request)).annotate(
            active_users=Count("memberships", filter=Q(memberships__is_active=True))
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        profile = ["name", "partner_type", "website", "domain", "country", "region", "industry"]
        program = ["size_band", "status", "status_reason", "joined_on"]
        sets = [(None, {"fields": profile}), (_("In the program"), {"fields": program})]
        if membership_of(request).can("partners.assign"):
            sets.append((_("Account management"), {"fields": ["cams"]}))
        return sets

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        tenant = tenant_of(request)

        class BoundForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                if "cams" in self.fields:
                    self.fields["cams"].queryset = selectors.cams_of_tenant(tenant_id=tenant.pk)
                    self.fields["cams"].label_from_instance = lambda m: m.user.email
                    if obj is not None:
                        self.initial["cams"] = list(selectors.assigned_cams(partner=obj))
                self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)

        return BoundForm

    def save_model(self, request: HttpRequest, obj: Partner, form: Any, change: bool) -> None:
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]  # the service moves it, with the reason
        super().save_model(request, obj, form, change)
        ip = request.META.get("REMOTE_ADDR")
        if change and "status" in form.changed_data:
            services.partner_status_change(
                actor=request.user,
                partner=obj,
                status=new_status,
                reason=form.cleaned_data["status_reason"],
                ip=ip,
            )
            obj.refresh_from_db()
        if "cams" in form.cleaned_data and (not change or "cams" in form.changed_data):
            try:
                services.partner_assign_cams(
                    actor=membership_of(request),
                    partner=obj,
                    cams=list(form.cleaned_data["cams"]),
                    ip=ip,
                )
            except (PermissionDenied, ValidationError) as exc:
                raise PermissionDenied(str(exc)) from exc

    def get_csv_importer(self, request: HttpRequest) -> CsvImporter:
        return imports.partner_importer(
            actor=membership_of(request), ip=request.META.get("REMOTE_ADDR")
        )

    @admin.display(description=_("CAMs"))
    def cams(self, obj: Partner) -> str | None:
        # None: the list shows its "empty" mark, an export an empty cell.
        return ", ".join(obj.cam_emails or []) or None  # type: ignore[attr-defined]

    @admin.display(description=_("active users"), ordering="active_users")
    def active_users(self, obj: Partner) -> int:
        return obj.active_users  # type: ignore[attr-defined]


@admin.register(PartnerType, site=tenant_admin_site)
class PartnerTypeAdmin(TenantModelAdmin):
    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "delete": "partners.manage",
    }
    list_display = ["name", "partner_count"]
    fields = ["name"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerType]:
        return super().get_queryset(request).annotate(partner_count=Count("partners"))

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, obj: PartnerType) -> int:
        return obj.partner_count  # type: ignore[attr-defined]


@admin.register(Segment, site=tenant_admin_site)
class SegmentAdmin(TenantModelAdmin):
    """Segments with a live preview of the partners they hold (as far as the member sees)."""

    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "delete": "partners.manage",
    }
    list_display = ["name", "description", "criteria"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "partner_types", "regions", "industries", "size_bands"]
    change_form_template = "admin/partners/segment/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return super().get_queryset(request).prefetch_related("partner_types")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, ArrayField):
            # Tick boxes instead of a comma-separated text field.
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=db_field.base_field.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Leave all unticked to accept any."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the criteria in words, not stored codes.
            return ["name", "description", "criteria"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "description", "criteria"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("criteria"))
    def criteria(self, obj: Segment) -> str:
        parts = [
            ", ".join(t.name for t in obj.partner_types.all()),
            ", ".join(str(Partner.Region(r).label) for r in obj.regions),
            ", ".join(str(Partner.Industry(i).label) for i in obj.industries),
            ", ".join(str(Partner.Size(s).label) for s in obj.size_bands),
        ]
        return " · ".join(p for p in parts if p) or str(_("every partner"))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            visible = selectors.partners_for(membership=membership_of(request))
            context["segment_partners"] = list(
                visible.filter(segment_q(obj)).values_list("name", flat=True)[:200]
            )
        return super().render_change_form(request, context, *args, **kwargs)


class TierRequirementForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices)

    class Meta:
        model = TierRequirement
        fields = ["metric", "threshold"]


class TierRequirementInline(TenantInline):
    model = TierRequirement
    form = TierRequirementForm
    verbose_name = _("requirement (over the last 12 months)")

    capabilities = {"edit": "partners.manage", "view": "partners.view"}


@admin.register(Tier, site=tenant_admin_site)
class TierAdmin(TenantModelAdmin):
    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "delete": "partners.manage",
    }
    list_display = [
        "rank",
        "name",
        "requirements_text",
        "commission_rate",
        "mdf_allowance",
        "discount",
    ]
    list_display_links = ["name"]
    fields = ["name", "rank", "description", "commission_rate", "mdf_allowance", "discount"]
    inlines = [TierRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tier]:
        return super().get_queryset(request).prefetch_related("requirements")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                inline_form.instance.tenant = tenant_of(request)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("requirements"))
    def requirements_text(self, obj: Tier) -> str:
        return requirement_summary(obj)


class ProposalStatusFilter(admin.SimpleListFilter):
    """The CAM's work queue: the list opens on the proposals waiting for a decision."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*TierProposal.Status.choices, ("all", _("All"))]

    def value(self) -> str:
        return super().value() or TierProposal.Status.PENDING

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


@admin.register(TierProposal, site=tenant_admin_site)
class TierProposalAdmin(TenantModelAdmin):
    """Nightly proposals; a CAM confirms or dismisses those of the partners they manage."""

    capabilities = {"view": "partners.view"}
    list_display = ["partner", "move", "status", "proposed_on", "evidence_text", "decide"]
    list_filter = [ProposalStatusFilter, "is_promotion"]
    list_select_related = ["partner", "from_tier", "to_tier"]
    search_fields = ["partner__name"]
    fields = readonly_fields = (
        "partner",
        "from_tier",
        "to_tier",
        "is_promotion",
        "status",
        "evidence",
        "created_at",
        "decided_at",
        "reason",
    )
    actions = ["confirm"]
    change_form_template = "admin/partners/tierproposal/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TierProposal]:
        visible = visible_partners(membership_of(request))
        return super().get_queryset(request).filter(partner__in=visible)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {"title": _("Tier proposals"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    @admin.display(description=_("move"))
    def move(self, obj: TierProposal) -> str:
        kind = _("promotion") if obj.is_promotion else _("demotion")
        return f"{obj.from_tier or _('no tier')} → {obj.to_tier} ({kind})"

    @admin.display(description=_("proposed"), ordering="created_at")
    def proposed_on(self, obj: TierProposal) -> Any:
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description="")
    def decide(self, obj: TierProposal) -> str:
        if obj.status != TierProposal.Status.PENDING:
            return ""
        url = reverse("admin:partners_tierproposal_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Decide"))

    @admin.display(description=_("based on"))
    def evidence_text(self, obj: TierProposal) -> str:
        labels = dict(metric_choices())
        return ", ".join(
            f"{labels[k]}: {Decimal(v).normalize()}" for k, v in obj.evidence.items() if k in labels
        )

    @admin.action(description=_("Confirm the selected proposals"), permissions=["view"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[TierProposal]) -> None:
        # Only confirming works in bulk: dismissing needs a reason per proposal (decide_view).
        done = 0
        for proposal in queryset.filter(status=TierProposal.Status.PENDING):
            try:
                tier_services.tier_proposal_decide(
                    actor=membership_of(request),
                    proposal=proposal,
                    confirm=True,
                    reason=str(_("Confirmed from the list of proposals")),
                    ip=request.META.get("REMOTE_ADDR"),
                )
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{proposal}: {exc}", level=messages.WARNING)
        if done:
            self.message_user(request, _("%(n)d proposal(s) confirmed.") % {"n": done})

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="partners_tierproposal_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm or dismiss one proposal, with the reason the CAM gives."""
        proposal = self.get_object(request, object_id)  # a CAM's unassigned partner: None
        if proposal is None:
            raise Http404
        if proposal.status != TierProposal.Status.PENDING:
            self.message_user(request, _("This proposal was already decided."), messages.WARNING)
            return redirect("admin:partners_tierproposal_change", proposal.pk)
        form = TierDecisionForm(posted(request))
        if request.method == "POST" and form.is_valid():
            confirm = form.cleaned_data["decision"] == "confirm"
            try:
                tier_services.tier_proposal_decide(
                    actor=membership_of(request),
                    proposal=proposal,
                    confirm=confirm,
                    reason=form.cleaned_data["reason"],
                    ip=request.META.get("REMOTE_ADDR"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                done = _("%(p)s: confirmed.") if confirm else _("%(p)s: dismissed.")
                self.message_user(request, done % {"p": proposal})
                return redirect("admin:partners_tierproposal_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decide: %s") % proposal,
            "object": proposal,
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/partners/tierproposal/decide.html", context)


class TierDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm: move the partner")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to dismiss. Recorded in the audit log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "dismiss" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you dismiss the proposal."))
        return data


class PublishAgreementForm(forms.ModelForm):
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
            ip=request.META.get("REMOTE_ADDR"),
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
