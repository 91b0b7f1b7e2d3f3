"""Disputes in the vendor admin UI: the list (open first; by status and partner), the dispute
page with the line's trace and the thread, and the answer page (a message, optionally with an
adjustment).

A CAM sees the disputes of the partners assigned to them (`commissions.view`); partner
operations and program leaders answer (`commissions.approve`). Every page finds its dispute
through `disputes_visible_to`, so another partner's or tenant's answers 404.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals.admin.common import object_pk
from prm.forms import Form
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.models import CURRENCIES
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..engine import explain
from ..models import Dispute
from ..portal import disputes_visible_to, line_trace
from ..services.disputes import DISPUTES, MAX_MESSAGE, dispute_answer, may_answer

D = Dispute.Status


@admin.register(Dispute, site=tenant_admin_site)
class DisputeAdmin(TenantModelAdmin):
    """Read-only: partners raise disputes in the portal; partner operations answer them on the
    answer page."""

    capabilities = {"view": "commissions.view"}
    changelist_title = gettext_lazy("Questions about commission lines")
    list_display = ["about", "partner", "raised", "last_change", "status_badge"]
    key_columns = ("status_badge",)
    list_filter = ["status", VisiblePartnerFilter]
    search_fields = ["partner__name"]
    list_per_page = 50
    show_full_result_count = False
    fields = ["partner"]
    readonly_fields = ["partner"]
    menu_position = 60
    change_form_template = "admin/commissions/dispute/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dispute]:
        return disputes_visible_to(membership_of(request)).select_related(
            "partner", "line__deal", "raised_by__user"
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        open_first = Case(
            When(status=D.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return [open_first, "-updated_at", "-id"]

    @admin.display(description=gettext_lazy("line"))
    def about(self, obj: Dispute) -> str:
        line = obj.line
        what = format_money(line.amount, line.currency)
        if line.deal_id is not None:
            return f"{line.get_source_display()} · {line.deal.reference} · {what}"  # type: ignore[union-attr]
        return f"{line.get_source_display()} · {what}"

    @admin.display(description=gettext_lazy("raised"), ordering="created_at")
    def raised(self, obj: Dispute) -> Any:
        return time_tag(obj.created_at, short=True)

    @admin.display(description=gettext_lazy("last message"), ordering="updated_at")
    def last_change(self, obj: Dispute) -> Any:
        return time_tag(obj.updated_at)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Dispute) -> Any:
        kind = "medium" if obj.status == D.OPEN else "status-approved"
        return badge(kind, obj.get_status_display())

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            membership = membership_of(request)
            trace = line_trace(obj.line)
            context.update(
                {
                    "title": _("%(partner)s asks about %(what)s")
                    % {"partner": obj.partner, "what": self.about(obj)},
                    "line": obj.line,
                    "trace": trace,
                    "how": explain(obj.line.basis) if (obj.line.basis or {}).get("base") else "",
                    "thread": next((d for d in trace.disputes if d.pk == obj.pk), obj),
                    "may_answer": DISPUTES.allowed(obj, "answer") and may_answer(membership, obj),
                }
            )
        return super().render_change_form(request, context, *args, **kwargs)


class AnswerForm(Form):
    message = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text=gettext_lazy("The partner's admins read it in the portal and by email."),
    )
    adjustment_amount = forms.DecimalField(
        label=gettext_lazy("Post an adjustment of"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=gettext_lazy(
            "Optional. Positive to pay the partner more, negative to take back; it is approved "
            "at once and goes on the partner's next statement."
        ),
    )
    adjustment_currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=CURRENCIES)

    def clean_adjustment_amount(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("adjustment_amount")
        if value is not None and value == 0:
            raise forms.ValidationError(_("An adjustment of zero changes nothing: leave it empty."))
        return value


@requires("commissions.approve")
def answer(request: HttpRequest, pk: str) -> HttpResponse:
    """Answer a dispute (`dispute_answer`), maybe with an adjustment."""
    membership = membership_of(request)
    dispute = get_object_or_404(
        disputes_visible_to(membership).select_related("line__deal", "partner"),
        pk=object_pk(pk),
    )
    page = reverse("admin:commissions_dispute_change", args=[dispute.pk])
    if not DISPUTES.allowed(dispute, "answer"):
        messages.info(request, _("This question is answered; the partner may write again."))
        return redirect(page)

    def on_valid(form: AnswerForm) -> Done:
        data = form.cleaned_data
        dispute_answer(
            actor=membership,
            dispute=dispute,
            message=data["message"],
            adjustment_amount=data.get("adjustment_amount"),
            adjustment_currency=data["adjustment_currency"],
        )
        return Done(_("Your answer was sent to %(partner)s.") % {"partner": dispute.partner}, page)

    line = dispute.line
    return form_page(
        request,
        form_class=AnswerForm,
        form_kwargs={"initial": {"adjustment_currency": line.currency}},
        on_valid=on_valid,
        template="admin/commissions/dispute/answer.html",
        title=_("Answer %(partner)s' question") % {"partner": dispute.partner},
        obj=dispute,
        context={
            "line": line,
            "trace": line_trace(line),
            "how": explain(line.basis) if (line.basis or {}).get("base") else "",
            "thread": dispute,
            "cancel_url": page,
        },
    )
