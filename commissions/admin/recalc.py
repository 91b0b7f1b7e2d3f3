"""Recalculating a period in the vendor admin UI (`commissions.manage`): choose a month or a
quarter, read the differences (paginated, with totals per currency, as CSV too), then post the
corrections. The preview's run id travels in the confirm form, so a double submit posts once
(`commissions.services.recalc`)."""

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.csvio.writing import csv_response, export_filename
from prm.filters import parse_id
from prm.forms import form_call
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import tenant_admin_site

from ..models import Line
from ..services import recalc
from .forms import PeriodForm, RecalcPostForm

PAGE_SIZE = 50

CSV_HEADER = [
    "deal",
    "partner",
    "close_date",
    "version_now",
    "should_earn",
    "should_currency",
    "standing",
    "correction",
    "why",
]


def _csv_rows(found: recalc.Recalculation) -> Any:
    for d in found.differences:
        yield [
            d.reference,
            d.partner,
            d.closed_on.isoformat(),
            d.version.number if d.version is not None else "",
            d.should if d.should is not None else "",
            d.should_currency,
            "; ".join(f"{v} {c}" for c, v in sorted(d.standing.items())),
            "; ".join(f"{v} {c}" for c, v in sorted(d.deltas.items())),
            d.why,
        ]


@requires("commissions.manage")
def recalc_page(request: HttpRequest) -> HttpResponseBase:
    """Choose a period; preview its differences; post the corrections (POST, confirmed)."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    if request.method == "POST":
        post = RecalcPostForm(request.POST)
        if post.is_valid():
            period = recalc.period_of(post.cleaned_data["kind"], post.cleaned_data["day"])
            done = form_call(
                post,
                recalc.recalc_post,
                actor=membership,
                period=period,
                run=post.cleaned_data["run"],
            )
            if done is not None:
                messages.success(
                    request,
                    ngettext("%(n)d deal is corrected.", "%(n)d deals are corrected.", done)
                    % {"n": done}
                    if done
                    else _("Nothing to correct: the ledger already agrees with the plan."),
                )
                return redirect(
                    reverse("admin:commissions_line_changelist")
                    + "?"
                    + urlencode({"month": period.start.strftime("%Y-%m")})
                )
            for error in post.non_field_errors():
                messages.error(request, str(error))
        query = {k: request.POST.get(k, "") for k in ("kind", "day")}
        return redirect(reverse("admin:commissions_recalc") + "?" + urlencode(query))
    chosen = "kind" in request.GET or "day" in request.GET
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    form = PeriodForm(request.GET if chosen else None, initial={"kind": "month", "day": last_month})
    context: dict[str, Any] = {"form": form}
    if chosen and form.is_valid():
        period = recalc.period_of(form.cleaned_data["kind"], form.cleaned_data["day"])
        found = recalc.recalculate(tenant, period)
        if request.GET.get("format") == "csv":
            return csv_response(
                filename=export_filename(tenant.slug, f"recalculation-{period.start}"),
                header=CSV_HEADER,
                rows=_csv_rows(found),
            )
        pages = max(1, -(-len(found.differences) // PAGE_SIZE))
        page = min(max(parse_id(request.GET.get("page", "1")) or 1, 1), pages)
        query = {"kind": form.cleaned_data["kind"], "day": form.cleaned_data["day"].isoformat()}
        context.update(
            period=period,
            period_label=recalc.period_label(tenant, period),
            found=found,
            rows=found.differences[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            totals=[format_money(v, c) for c, v in found.totals.items()],
            page=page,
            pages=pages,
            query=urlencode(query),
            post_form=RecalcPostForm(initial={**query, "run": uuid.uuid4()}),
        )
    request.current_app = tenant_admin_site.name
    return TemplateResponse(
        request,
        "admin/commissions/recalc.html",
        {
            **tenant_admin_site.each_context(request),
            "opts": Line._meta,
            "title": _("Recalculate a period"),
            **context,
        },
    )
