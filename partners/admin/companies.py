"""Partner companies and their types in the vendor admin UI: profiles, lifecycle status with
a reason, assigned CAMs, and the CSV export and import."""

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_objects_for_user

from prm.csvio.admin import CsvExportMixin, CsvImportMixin
from prm.csvio.importing import CsvImporter
from prm.forms import ModelForm
from prm.security.client_ip import client_ip
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from .. import imports, selectors, services
from ..models import Partner, PartnerType

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _CamEmails(TypedDict):
    """What `selectors.partners_for` annotates each partner with."""

    cam_emails: list[str] | None


class PartnerAdminForm(ModelForm):
    """The partner's profile, plus its CAMs and a reason field for status changes."""

    # Type and CAMs are declared with no rows: the class is built at import, outside any tenant
    # scope; each request fills in its tenant's types and CAMs (get_form).
    partner_type = forms.ModelChoiceField(
        label=_("Type"), queryset=PartnerType.objects.none(), required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    cams = forms.ModelMultipleChoiceField(
        label=_("Channel account managers"),
        queryset=Membership.objects.none(),
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
            "crm_id",
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

    def queryset(
        self, request: HttpRequest, queryset: "QuerySet[WithAnnotations[Partner, _CamEmails]]"
    ) -> "QuerySet[WithAnnotations[Partner, _CamEmails]]":
        value = self.value()
        if value == "none":
            return queryset.filter(cam_emails=None)  # IS NULL: no CAM has a grant
        if value:
            cam = (
                selectors.cams_of_tenant(tenant_id=tenant_of(request).pk)
                .filter(user_id=value)
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
        "name_link",
        "partner_type",
        "tier",
        "status",
        "region",
        "country",
        "cams",
        "active_users",
    ]
    # The name opens the partner page (everything about the partner); its profile is edited
    # from there, or from the page's "Edit the profile".
    list_display_links = None
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
        profile = [
            "name",
            "partner_type",
            "website",
            "domain",
            "country",
            "region",
            "industry",
            "crm_id",
        ]
        program = ["size_band", "status", "status_reason", "joined_on"]
        if not self.has_change_permission(request, obj):
            program.remove("status_reason")  # a form field: nothing to show on a read-only page
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
        # Through the services, as the API does: they check, write, audit and announce. The
        # status moves by its own service, with the reason; a service's ValidationError comes
        # back as the form with the error beside its field (prm.admin_forms).
        ip = client_ip(request)
        details = {
            name: form.cleaned_data[name]
            for name in services.DETAIL_FIELDS
            if name in form.cleaned_data
        }
        if not change:
            created = services.partner_create(
                actor=membership_of(request),
                status=form.cleaned_data["status"],
                ip=ip,
                **details,
            )
            obj.pk, obj.created_at = created.pk, created.created_at
        else:
            services.partner_update(
                actor=membership_of(request),
                partner=obj,
                changes={
                    name: value for name, value in details.items() if name in form.changed_data
                },
                ip=ip,
            )
        if change and "status" in form.changed_data:
            services.partner_status_change(
                actor=request.user,
                partner=obj,
                status=form.cleaned_data["status"],
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

    # The services audit what they do (created, changed, status, CAMs).
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass

    def get_csv_importer(self, request: HttpRequest) -> CsvImporter:
        return imports.partner_importer(actor=membership_of(request), ip=client_ip(request))

    @admin.display(description=_("name"), ordering="name")
    def name_link(self, obj: Partner) -> str:
        url = reverse("admin:partners_partner_overview", args=[obj.pk])
        return format_html('<a href="{}"><strong>{}</strong></a>', url, obj.name)

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
