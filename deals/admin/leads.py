"""Leads in the vendor admin UI: the list, a new lead, and assigning one to a partner.

Creating and assigning go through the lead services (`deals.services.leads`); a lead's page is
read-only (the partner answers it in the portal). Assigning is a page of its own (`assign`,
declared in `urls`).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.dates import format_moment
from prm.forms import Form, ModelForm
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import VisiblePartnerFilter, visible_partners
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..models import Lead
from ..selectors import leads_for
from ..services import LeadInput, lead_assign, lead_create
from ..workflow import LEADS
from .common import object_pk

#: what a member types for a new lead (the fields of `LeadInput`)
LEAD_FIELDS = [
    "customer_name",
    "customer_website",
    "country",
    "contact_name",
    "contact_email",
    "contact_role",
    "notes",
]


class LeadForm(ModelForm):
    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})}
        help_texts = {"notes": gettext_lazy("What the partner should know; they see it all.")}


class AssignForm(Form):
    # No rows at import (outside any tenant scope): the partners the member sees, per request.
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner"),
        queryset=Partner.objects.none(),
        empty_label=gettext_lazy("Choose a partner"),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners


DETAIL: list[Any] = [
    "customer_name",
    "customer_website",
    "country",
    "contact_name",
    "contact_email",
    "contact_role",
    "notes",
    "status_badge",
    "partner",
    "assigned_at",
    "respond_by",
    "opened_at",
    "decline_reason",
    "decline_note",
    "returned_count",
    "deal_link",
    "created_at",
]


@admin.register(Lead, site=tenant_admin_site)
class LeadAdmin(TenantModelAdmin):
    capabilities = {"view": "deals.view", "add": "deals.leads", "change": "deals.leads"}
    list_display = [
        "customer",
        "partner",
        "opened_badge",
        "returned_count",
        "status_badge",
        "answer_by",
        "assign_button",
    ]
    # What a lead's owner acts on stays on screen however narrow the window.
    key_columns = ("status_badge", "answer_by", "assign_button")
    list_display_links = ["customer"]
    list_filter = ["status", VisiblePartnerFilter]
    list_select_related = ["partner"]
    search_fields = ["customer_name", "customer_website", "contact_email", "contact_name"]
    fields = readonly_fields = DETAIL
    change_list_template = "admin/deals/lead/change_list.html"
    change_form_template = "admin/deals/lead/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        return leads_for(membership=membership_of(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A lead's page is read-only: it changes through the assign page and the partner's answer.
        return obj is None and super().has_change_permission(request)

    # The list

    @admin.display(description=gettext_lazy("customer"), ordering="customer_name")
    def customer(self, obj: Lead) -> str:
        return format_html(
            "{}<br><small>{}</small>", obj.customer_name, obj.customer_website or obj.contact_email
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Lead) -> str:
        return badge(f"status-{obj.status}", obj.get_status_display())

    @admin.display(description=gettext_lazy("answer by"), ordering="respond_by")
    def answer_by(self, obj: Lead) -> str:
        if obj.status != Lead.Status.ASSIGNED or obj.respond_by is None:
            return "—"
        if obj.respond_by <= timezone.now():
            return format_html("{} {}", time_tag(obj.respond_by), badge("failed", _("overdue")))
        return time_tag(obj.respond_by)

    @admin.display(description=gettext_lazy("opened"), ordering="opened_at")
    def opened_badge(self, obj: Lead) -> str:
        if obj.status != Lead.Status.ASSIGNED:
            return "—"
        if obj.opened_at is None:
            return badge("warning", _("unopened"), _("The partner has not opened it yet."))
        opened = format_moment(obj.opened_at)
        return badge("high", _("opened"), opened)

    @admin.display(description="")
    def assign_button(self, obj: Lead) -> str:
        if not LEADS.allowed(obj, "assign"):
            return ""
        url = reverse("admin:deals_lead_assign", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Assign"))

    @admin.display(description=gettext_lazy("registration"))
    def deal_link(self, obj: Lead) -> str:
        if obj.deal_id is None:
            return "—"
        url = reverse("admin:deals_deal_change", args=[obj.deal_id])
        return format_html('<a href="{}">{}</a>', url, obj.deal)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None:
            context["may_assign"] = LEADS.allowed(obj, "assign") and membership_of(request).can(
                "deals.leads"
            )
        return super().render_change_form(request, context, *args, **kwargs)

    # A new lead: a page of its own, calling one service

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied

        def create(form: LeadForm) -> Done:
            lead = lead_create(
                actor=membership_of(request),
                data=LeadInput(**{name: form.cleaned_data[name] for name in LEAD_FIELDS}),
            )
            return Done(
                _("The lead %(lead)s is in the queue: choose the partner to work it.")
                % {"lead": lead},
                "admin:deals_lead_assign",
                [lead.pk],
            )

        return form_page(
            request,
            form_class=LeadForm,
            on_valid=create,
            admin_site=self.admin_site,
            template="admin/deals/lead/add.html",
            title=_("New lead"),
            opts=self.opts,
        )


@requires("deals.leads")
def assign(request: HttpRequest, object_id: str) -> HttpResponse:
    """Route a lead in the queue to one of the partners the member sees."""
    membership = membership_of(request)
    lead = get_object_or_404(leads_for(membership=membership), pk=object_pk(object_id))
    if not LEADS.allowed(lead, "assign"):
        messages.warning(
            request,
            _("This lead is %(status)s: it can be assigned only while in the queue or after "
              "a partner declined it.") % {"status": lead.get_status_display().lower()},
        )  # fmt: skip
        return redirect("admin:deals_lead_change", lead.pk)

    def assign_lead(form: AssignForm) -> Done:
        partner = form.cleaned_data["partner"]
        lead_assign(actor=membership, lead=lead, partner=partner)
        return Done(
            _("%(lead)s is assigned to %(partner)s; its users are told.")
            % {"lead": lead, "partner": partner},
            "admin:deals_lead_changelist",
        )

    return form_page(
        request,
        form_class=AssignForm,
        form_kwargs={"partners": visible_partners(membership).order_by("name")},
        on_valid=assign_lead,
        template="admin/deals/lead/assign.html",
        title=_("Assign %(lead)s") % {"lead": lead},
        obj=lead,
    )
