"""The exchange-rates pages of the admin UI (mounted at /admin/exchange-rates/, names in the
`admin` namespace): the rates in force and their history, setting a rate (confirmed first),
deleting one (confirmed), and the CSV import with its template.

Every page finds its rows among the request tenant's (`selectors`): another tenant's rate
answers 404. Writes go through `prm.exchange.services`, whose errors come back beside their
fields.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.csvio.admin import MAX_ERRORS_SHOWN, CsvUploadForm
from prm.csvio.importing import MAX_BYTES, MAX_ROWS, RowError, RowErrors
from prm.csvio.writing import csv_response, export_filename
from prm.dates import format_day
from prm.figures import format_number
from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.uploads.handler import accepts_uploads
from prm.workspace.sites import tenant_admin_site
from prm.workspace.ui import Done, form_page

from .forms import DeleteForm, HistoryQuery, RateForm
from .models import ExchangeRate
from .selectors import currency_name, inverse, rate_history, rates_of, rates_summary
from .services import COLUMNS, rate_delete, rate_set, rates_import, tenant_today

PAGE_SIZE = 50


def _context(request: HttpRequest, title: str) -> dict[str, Any]:
    tenant = tenant_of(request)
    return {
        **tenant_admin_site.each_context(request),
        "title": title,
        "opts": ExchangeRate._meta,
        "default_currency": tenant.default_currency,
        "may_manage": membership_of(request).can("rates.manage"),
    }


@requires("rates.view")
def rates_page(request: HttpRequest) -> HttpResponse:
    """Per currency the rate in force today (and any scheduled), then the history, 50 a page
    (of one currency with `?currency=`); for managers, the form to set a rate."""
    tenant = tenant_of(request)
    today = tenant_today(tenant)
    currency = HistoryQuery(request.GET).values()["currency"]
    history = rate_history(tenant, currency)
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(request, _("Exchange rates"))
    summary = rates_summary(tenant, today)
    context |= {
        "today": today,
        "summary": summary,
        "missing": [row.currency for row in summary if row.current is None],
        "page": page,
        "rows": [(r, inverse(r)) for r in page.object_list],
        "currency": currency,
        "currency_name": currency_name(currency) if currency else "",
        "form": RateForm(tenant=tenant, initial={"valid_from": today})
        if context["may_manage"]
        else None,
    }
    return TemplateResponse(request, "admin/exchange/rates.html", context)


def _with(form: RateForm, **values: str) -> None:
    """The values the form's page sends next (a bound form's data is an immutable QueryDict)."""
    data = cast(QueryDict, form.data).copy()
    for name, value in values.items():
        data[name] = value
    form.data = data


@requires("rates.manage")
def rate_add(request: HttpRequest) -> HttpResponse:
    """Set a rate: the form, then a page saying what changes, then the service (`rate_set`)."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    form = RateForm(posted(request), tenant=tenant, initial={"valid_from": tenant_today(tenant)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["confirmed"]:
            try:
                rate = rate_set(
                    actor=membership,
                    currency=data["currency"],
                    rate=data["rate"],
                    valid_from=data["valid_from"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The %(currency)s rate from %(day)s is %(rate)s.")
                    % {
                        "currency": rate.currency,
                        "day": format_day(rate.valid_from),
                        "rate": format_number(rate.rate),
                    },
                )
                return redirect("admin:exchange_rates")
        else:
            return _confirm_page(request, form)
    if form.is_bound:
        _with(form, confirmed="")  # refused: the next send is confirmed again
    context = _context(request, _("Set an exchange rate"))
    context |= {"form": form, "cancel_url": reverse("admin:exchange_rates")}
    return TemplateResponse(request, "admin/exchange/rate_add.html", context)


def _confirm_page(request: HttpRequest, form: RateForm) -> HttpResponse:
    """What setting the form's rate changes: the row it replaces, or the rate in force."""
    tenant = tenant_of(request)
    data = form.cleaned_data
    code, day = data["currency"], data["valid_from"]
    same_day = rates_of(tenant).filter(currency=code, valid_from=day).first()
    before = (
        rates_of(tenant).filter(currency=code, valid_from__lt=day).order_by("-valid_from").first()
    )
    summary = [
        (_("Currency"), f"{code} · {currency_name(code)}"),
        (_("From"), format_day(day)),
        (
            _("Rate"),
            _("1 %(code)s is worth %(rate)s in %(default)s")
            % {
                "code": code,
                "rate": format_number(data["rate"]),
                "default": tenant.default_currency,
            },
        ),
    ]
    if same_day is not None:
        summary.append(
            (
                _("Replaces"),
                _("the rate %(rate)s set for this day") % {"rate": format_number(same_day.rate)},
            )
        )
    elif before is not None:
        summary.append(
            (
                _("Until then"),
                _("%(rate)s, in force since %(day)s")
                % {"rate": format_number(before.rate), "day": format_day(before.valid_from)},
            )
        )
    else:
        summary.append(
            (
                _("Until then"),
                _("no rate: amounts in %(code)s are left out of totals") % {"code": code},
            )
        )
    _with(form, confirmed="on")
    context = _context(request, _("Confirm the exchange rate"))
    context |= {"form": form, "summary": summary}
    return TemplateResponse(request, "admin/exchange/rate_confirm.html", context)


@requires("rates.manage")
def rate_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one rate, once confirmed (`rate_delete`)."""
    tenant = tenant_of(request)
    rate = get_object_or_404(rates_of(tenant), pk=pk)
    before = (
        rates_of(tenant)
        .filter(currency=rate.currency, valid_from__lt=rate.valid_from)
        .order_by("-valid_from")
        .first()
    )

    def on_valid(form: DeleteForm) -> Done:
        rate_delete(actor=membership_of(request), rate=rate)
        return Done(
            _("The %(currency)s rate from %(day)s is deleted.")
            % {"currency": rate.currency, "day": format_day(rate.valid_from)},
            "admin:exchange_rates",
        )

    return form_page(
        request,
        form_class=DeleteForm,
        on_valid=on_valid,
        template="admin/exchange/rate_delete.html",
        title=_("Delete the %(currency)s rate from %(day)s")
        % {"currency": rate.currency, "day": format_day(rate.valid_from)},
        opts=ExchangeRate._meta,
        context={
            "rate": rate,
            "before": before,
            "default_currency": tenant.default_currency,
            "cancel_url": reverse("admin:exchange_rates"),
        },
    )


@requires("rates.manage")
@accepts_uploads(CsvUploadForm)
def rates_import_page(request: HttpRequest) -> HttpResponse:
    """Check a CSV file of rates or import it, all rows or none (`rates_import`)."""
    form = CsvUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    errors: list[RowError] = []
    checked: int | None = None
    if request.method == "POST" and form.is_valid():
        check_only = "check_only" in request.POST
        try:
            count = rates_import(
                actor=membership_of(request),
                upload=form.cleaned_data["file"],
                check_only=check_only,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except RowErrors as exc:
            errors = exc.errors
        else:
            if check_only:
                checked = count
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s exchange rate imported.",
                        "%(count)s exchange rates imported.",
                        count,
                    )
                    % {"count": format_number(count)},
                )
                return redirect("admin:exchange_rates")
    context = _context(request, _("Import exchange rates from a CSV file"))
    context |= {
        "form": form,
        "columns": COLUMNS,
        "skipped": [],
        "max_rows": MAX_ROWS,
        "max_megabytes": f"{MAX_BYTES / 2**20:g}",
        "template_url": reverse("admin:exchange_rates_import_template"),
        "errors": errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
        "checked": checked,
    }
    return TemplateResponse(request, "admin/exchange/rates_import.html", context)


@requires("rates.manage")
def rates_import_template(request: HttpRequest) -> HttpResponseBase:
    """The empty file with the import's headings, to fill in."""
    return csv_response(
        filename=export_filename(tenant_of(request).slug, _("exchange rates import template")),
        header=[c.label for c in COLUMNS],
        rows=[],
    )
