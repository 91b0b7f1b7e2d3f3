"""Tiers in the vendor admin UI: the ladder with its requirements, and the nightly proposals a
CAM confirms or dismisses."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prm.dates import format_day
from prm.figures import format_percent
from prm.forms import Form, ModelForm
from prm.metrics.registry import all_metrics
from prm.metrics.registry import choices as metric_choices
from prm.money import format_money
from prm.security.client_ip import client_ip
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from ..models import Tier, TierProposal, TierRequirement
from ..tiers import services as tier_services
from ..tiers.selectors import requirement_summary


def _metric_options() -> list[tuple[str, str]]:
    # A blank first choice: the inline's empty row is left out, not read as a requirement on
    # the first metric (which a browser would send). Metric labels are written for the middle
    # of a sentence ("2 more active users"), so they are capitalised for the list.
    return [("", "---------"), *((name, capfirst(label)) for name, label in metric_choices())]


class TierRequirementForm(ModelForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=_metric_options)

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
        "commission",
        "mdf_allowance_text",
        "discount_text",
    ]
    list_display_links = ["name"]
    fields = ["name", "rank", "description", "commission_rate", "mdf_allowance", "discount"]
    inlines = [TierRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tier]:
        # The tenant comes along for its currency (the MDF allowance, money requirements).
        tiers = super().get_queryset(request).select_related("tenant")
        return tiers.prefetch_related("requirements")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                inline_form.instance.tenant = tenant_of(request)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("requirements"))
    def requirements_text(self, obj: Tier) -> str:
        return requirement_summary(obj, currency=obj.tenant.default_currency)

    @admin.display(description=_("commission"), ordering="commission_rate")
    def commission(self, obj: Tier) -> str:
        return format_percent(obj.commission_rate)

    @admin.display(description=_("MDF allowance per year"), ordering="mdf_allowance")
    def mdf_allowance_text(self, obj: Tier) -> str:
        return format_money(obj.mdf_allowance, obj.tenant.default_currency)

    @admin.display(description=_("discount"), ordering="discount")
    def discount_text(self, obj: Tier) -> str:
        return format_percent(obj.discount)


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
    list_select_related = ["tenant", "partner", "from_tier", "to_tier"]
    search_fields = ["partner__name"]
    fields = readonly_fields = (
        "partner",
        "from_tier",
        "to_tier",
        "is_promotion",
        "status",
        "evidence_text",
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
        return format_day(obj.created_at)

    @admin.display(description="")
    def decide(self, obj: TierProposal) -> str:
        if obj.status != TierProposal.Status.PENDING:
            return ""
        url = reverse("admin:partners_tierproposal_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Decide"))

    @admin.display(description=_("based on"))
    def evidence_text(self, obj: TierProposal) -> str:
        """The metric values the proposal was made from: "Active users: 6, Revenue won: $0.00"."""
        currency = obj.tenant.default_currency
        known = {m.name: m for m in all_metrics()}
        return ", ".join(
            f"{capfirst(str(known[k].label))}: {known[k].format(Decimal(v), currency=currency)}"
            for k, v in obj.evidence.items()
            if k in known
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
                    ip=client_ip(request),
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

        def decide(form: TierDecisionForm) -> Done:
            confirm = form.cleaned_data["decision"] == "confirm"
            tier_services.tier_proposal_decide(
                actor=membership_of(request),
                proposal=proposal,
                confirm=confirm,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
            done = _("%(p)s: confirmed.") if confirm else _("%(p)s: dismissed.")
            told = done % {"p": proposal}
            return Done(told, "admin:partners_tierproposal_changelist", level=messages.INFO)

        return form_page(
            request,
            form_class=TierDecisionForm,
            on_valid=decide,
            admin_site=self.admin_site,
            template="admin/partners/tierproposal/decide.html",
            title=_("Decide: %s") % proposal,
            obj=proposal,
        )


class TierDecisionForm(Form):
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
