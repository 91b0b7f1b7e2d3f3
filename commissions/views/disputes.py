"""Questioning a line in the portal: a partner admin writes what they would like to know; the
line's open thread takes it (`dispute_raise`)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.forms import Form, form_call
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..portal import line_trace, lines_visible_to
from ..services.disputes import MAX_MESSAGE, dispute_raise, may_question
from .money import require_earnings


class DisputeForm(Form):
    submit_once = True

    message = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Say what looks wrong and what you expected (the deal, the rate, the amount). "
            "Partner operations answer here and by email."
        ),
    )


@requires("portal.earnings.company")
def dispute_new(request: TenantRequest, pk: int) -> HttpResponse:
    """Question a line (or write again about it)."""
    require_earnings(request)
    membership = request.membership
    line = get_object_or_404(lines_visible_to(membership).select_related("deal", "reverses"), pk=pk)
    if not may_question(membership, line):  # staff: not from the portal
        return redirect("commissions:line", pk=line.pk)
    trace = line_trace(line)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dispute = form_call(
            form, dispute_raise, actor=membership, line=line, message=form.cleaned_data["message"]
        )
        if dispute is not None:
            messages.success(
                request,
                _("Your question was sent. Partner operations will answer on this page."),
            )
            return redirect("commissions:line", pk=line.pk)
    return render(
        request,
        "commissions/dispute_form.html",
        {"line": line, "trace": trace, "form": form},
    )
