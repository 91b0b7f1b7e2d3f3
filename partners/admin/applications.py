"""Partner applications in the vendor admin UI: the queue with scores and flags, the answers and
score breakdown of one application, and approving or declining it (pages of their own)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from prm.csvio.admin import CsvExportMixin
from prm.forms import Form
from prm.security.client_ip import client_ip
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..models import Application, PartnerType
from ..recruitment import scoring
from ..recruitment import services as recruitment


class FlagFilter(admin.SimpleListFilter):
    title = _("flag")
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("partner", _("Matches an existing partner")),
            ("free_mail", _("Free-mail address")),
            ("must_have", _("Fails a must-have")),
            ("none", _("No flag")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        value = self.value()
        if value == "partner":
            return queryset.filter(matched_partner__isnull=False)
        if value == "free_mail":
            return queryset.filter(is_free_mail=True)
        if value == "must_have":
            return queryset.filter(must_have_failed=True)
        if value == "none":
            return queryset.filter(
                matched_partner__isnull=True, is_free_mail=False, must_have_failed=False
            )
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """The countries applications came from (not all 250 of the world)."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            Application.objects.filter(tenant=tenant_of(request))
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        return sorted(((str(c), str(countries.name(c))) for c in codes), key=lambda x: x[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> Any:
        return queryset.filter(country=self.value()) if self.value() else queryset


#: pending applications first
QUEUE = Case(
    When(status=Application.Status.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)
#: by score, failed and unscored applications below every scored one
RANK = Case(
    When(score__isnull=True, then=Value(-2)),
    When(must_have_failed=True, then=Value(-1)),
    default=F("score"),
    output_field=IntegerField(),
)


@admin.register(Application, site=tenant_admin_site)
class ApplicationAdmin(CsvExportMixin, TenantModelAdmin):
    """The queue: pending first, best scores first. Approve and decline have their own pages."""

    capabilities = {"view": "partners.recruit"}
    csv_columns = [
        "company_name",
        "contact_name",
        "contact_email",
        "phone",
        "country",
        "website",
        "partner_type",
        "region",
        "industry",
        "size_band",
        "annual_revenue",
        "currency",
        "sales_staff",
        "years_in_business",
        "status",
        "score",
        "must_have_failed",
        "is_free_mail",
        "matched_partner",
        "submitted_at",
        "decided_at",
        "decline_reason",
    ]
    list_display = [
        "company",
        "contact",
        "score_badge",
        "flag_badges",
        "status_badge",
        "submitted",
    ]
    list_filter = ["status", FlagFilter, "partner_type", CountryFilter]
    search_fields = ["company_name", "contact_name", "contact_email", "website_domain"]
    list_select_related = ["partner_type", "matched_partner"]
    actions = ["rescore"]
    change_list_template = "admin/partners/application/change_list.html"
    change_form_template = "admin/partners/application/change_form.html"
    fieldsets = [
        (None, {"fields": ["status_badge", "score_badge", "flag_badges", "submitted_at"]}),
        (
            _("Company"),
            {
                "fields": [
                    "company_name",
                    "website",
                    "country",
                    "region",
                    "industry",
                    "size_band",
                    "partner_type",
                    "revenue",
                    "sales_staff",
                    "years_in_business",
                    "about",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "phone"]}),
        (
            _("Decision"),
            {"fields": ["decided_at", "decided_by", "decline_reason", "partner_link"]},
        ),
    ]
    readonly_fields = [str(f) for _name, options in fieldsets for f in options["fields"]]

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [QUEUE.asc(), RANK.desc(), "-submitted_at"]

    @admin.display(description=_("company"), ordering="company_name")
    def company(self, obj: Application) -> str:
        about = " · ".join(str(x) for x in (obj.country.name, obj.partner_type) if x)
        return format_html("{}<br><small>{}</small>", obj.company_name, about)

    @admin.display(description=_("contact"), ordering="contact_email")
    def contact(self, obj: Application) -> str:
        return format_html("{}<br><small>{}</small>", obj.contact_name, obj.contact_email)

    @admin.display(description=_("score"), ordering=RANK)
    def score_badge(self, obj: Application) -> str:
        if obj.score is None:
            return badge("none", _("not scored"), _("There was no ideal profile to score against."))
        if obj.must_have_failed:
            return badge(
                "failed",
                _("failed"),
                _("Scores %(score)d / 100 but misses a must-have.") % {"score": obj.score},
            )
        kind = "high" if obj.score >= 70 else "medium" if obj.score >= 40 else "low"
        return badge(kind, f"{obj.score} / 100")

    @admin.display(description=_("flags"))
    def flag_badges(self, obj: Application) -> str:
        badges: list[str] = []
        if obj.matched_partner is not None:
            link = reverse("admin:partners_partner_change", args=[obj.matched_partner_id])
            badges.append(
                format_html(
                    '<a class="prm-badge prm-badge-warning" href="{}">{}</a>',
                    link,
                    _("Matches %(partner)s") % {"partner": obj.matched_partner.name},
                )
            )
        if obj.is_free_mail:
            badges.append(badge("info", _("Free-mail address"), obj.email_domain))
        return format_html(" ".join(["{}"] * len(badges)), *badges) if badges else "—"

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Application) -> str:
        return badge(f"status-{obj.status}", obj.get_status_display())

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, obj: Application) -> str:
        return time_tag(obj.submitted_at, short=True)

    @admin.display(description=_("annual revenue"))
    def revenue(self, obj: Application) -> str:
        return scoring.answer_text(obj, "annual_revenue") or "—"

    @admin.display(description=_("partner created"))
    def partner_link(self, obj: Application) -> str:
        if obj.partner_id is None:
            return "—"
        link = reverse("admin:partners_partner_change", args=[obj.partner_id])
        return format_html('<a href="{}">{}</a>', link, obj.partner)

    @admin.action(description=_("Re-score against the current ideal profile"), permissions=["view"])
    def rescore(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        done = skipped = 0
        for application in queryset:
            if application.status != Application.Status.PENDING:
                skipped += 1
                continue
            recruitment.application_rescore(
                actor=membership_of(request),
                application=application,
                ip=client_ip(request),
            )
            done += 1
        if done:
            self.message_user(request, _("%(n)d application(s) re-scored.") % {"n": done})
        if skipped:
            self.message_user(
                request,
                _("%(n)d decided application(s) keep the score they were decided on.")
                % {"n": skipped},
                level=messages.WARNING,
            )

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None:
            context["may_decide"] = obj.status == Application.Status.PENDING
            context["points_total"] = sum(line["points"] for line in obj.breakdown)
            context["weight_total"] = sum(line["weight"] for line in obj.breakdown)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/approve/",
                wrap(self.approve_view),
                name="partners_application_approve",
            ),
            path(
                "<path:object_id>/decline/",
                wrap(self.decline_view),
                name="partners_application_decline",
            ),
            *super().get_urls(),
        ]

    def _pending(self, request: HttpRequest, object_id: str) -> Application | HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = self.get_object(request, object_id)
        if application.status != Application.Status.PENDING:
            self.message_user(
                request,
                _("This application was already %(status)s.")
                % {"status": application.get_status_display().lower()},
                level=messages.WARNING,
            )
            return redirect("admin:partners_application_change", application.pk)
        return application

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        application = self._pending(request, object_id)
        if isinstance(application, HttpResponse):
            return application

        def approve(form: ApproveForm) -> Done:
            partner = recruitment.application_approve(
                actor=membership_of(request),
                application=application,
                name=form.cleaned_data["name"],
                partner_type=form.cleaned_data["partner_type"],
                ip=client_ip(request),
            )
            told = format_html(
                str(
                    _(
                        '<a href="{}">{}</a> is a partner now (onboarding); '
                        "{} is invited as its admin."
                    )
                ),
                reverse("admin:partners_partner_change", args=[partner.pk]),
                partner.name,
                application.contact_email,
            )
            return Done(told, "admin:partners_application_changelist", level=messages.INFO)

        initial = {"name": application.company_name, "partner_type": application.partner_type}
        return form_page(
            request,
            admin_site=self.admin_site,
            title=_("Approve %(company)s") % {"company": application.company_name},
            template="admin/partners/application/approve.html",
            obj=application,
            form_class=ApproveForm,
            form_kwargs={"tenant": tenant_of(request), "initial": initial},
            on_valid=approve,
        )

    def decline_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        application = self._pending(request, object_id)
        if isinstance(application, HttpResponse):
            return application

        def decline(form: DeclineForm) -> Done:
            recruitment.application_decline(
                actor=membership_of(request),
                application=application,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
            told = _("%(company)s was declined; %(email)s was told why.") % {
                "company": application.company_name,
                "email": application.contact_email,
            }
            return Done(told, "admin:partners_application_changelist", level=messages.INFO)

        return form_page(
            request,
            admin_site=self.admin_site,
            title=_("Decline %(company)s") % {"company": application.company_name},
            template="admin/partners/application/decline.html",
            obj=application,
            form_class=DeclineForm,
            on_valid=decline,
        )


class ApproveForm(Form):
    name = forms.CharField(
        label=_("Partner name"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("The company's name in the program; change it if another partner has it."),
    )
    # No rows at import (outside any tenant scope): the tenant's types are set per request.
    partner_type = forms.ModelChoiceField(
        label=_("Partner type"), queryset=PartnerType.objects.none(), required=False
    )

    def __init__(self, *args: Any, tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = self.fields["partner_type"]
        assert isinstance(types, forms.ModelChoiceField)
        types.queryset = PartnerType.objects.filter(tenant=tenant)


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
        help_text=_("The applicant receives this reason by email, in your program's branding."),
    )
