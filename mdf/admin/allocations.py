"""A fund's allocations in the admin UI: every partner's balances, setting one partner's, giving
every partner of a tier the same amount, and the list as a CSV file.

Setting money is confirmed first: the form's values come back on a page that says what will
change (the partner's allocation from → to, or how many partners of the tier and the total), and
only its "Confirm" button calls the service (`mdf.services.allocations`), which refuses a budget
exceeded or an allocation below what is spoken for, beside the amount.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.models import Partner, Tier
from prm.csvio.writing import csv_response, export_filename
from prm.filters import parse_id
from prm.forms import Form, form_call
from prm.money import format_money, quantize
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.workspace.sites import tenant_admin_site

from ..funds import fund_allocations, fund_balances, funds_visible_to
from ..models import Allocation, Fund
from ..services.allocations import allocation_set, allocations_by_tier
from ..services.funds import period_label

PAGE_SIZE = 50
ZERO = Decimal("0.00")


def _fund(request: HttpRequest, pk: int) -> Fund:
    return get_object_or_404(funds_visible_to(membership_of(request)), pk=pk)


def _context(request: HttpRequest, fund: Fund, title: str) -> dict[str, Any]:
    return {
        **tenant_admin_site.each_context(request),
        "title": title,
        "opts": Fund._meta,
        "fund": fund,
        "period": period_label(fund),
        "may_manage": membership_of(request).can("mdf.manage"),
    }


@requires("mdf.view")
def fund_allocations_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Every partner's allocation of the fund (those the member sees) with its balances, 50 a
    page, and the fund's totals over them."""
    membership = membership_of(request)
    fund = _fund(request, pk)
    page = Paginator(fund_allocations(membership, fund), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = _context(request, fund, _("Allocations of %(fund)s") % {"fund": fund.name})
    context |= {
        "page": page,
        "balances": fund_balances(membership, fund),
        "cam": membership.role == "cam",
    }
    return TemplateResponse(request, "admin/mdf/fund/allocations.html", context)


ALLOCATION_COLUMNS = [
    gettext_lazy("Partner"),
    gettext_lazy("Tier"),
    gettext_lazy("Given by"),
    gettext_lazy("Currency"),
    gettext_lazy("Allocated"),
    gettext_lazy("Committed"),
    gettext_lazy("Claimed"),
    gettext_lazy("Paid"),
    gettext_lazy("Available"),
]


@requires("mdf.view")
def fund_allocations_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The allocations the member sees as a CSV file (numbers as numbers, text formula-safe)."""
    fund = _fund(request, pk)
    allocations = fund_allocations(membership_of(request), fund)

    def lines() -> Iterator[list[Any]]:
        for a in allocations.iterator(chunk_size=500):
            tier = a.partner.tier.name if a.partner.tier else ""
            given = a.tier.name if a.tier else _("by name")
            yield [
                a.partner.name,
                tier,
                given,
                a.currency,
                a.allocated,
                a.committed,
                a.claimed,
                a.reimbursed,
                a.available,
            ]

    return csv_response(
        filename=export_filename(
            tenant_of(request).slug, f"{fund.name} allocations", timezone.localdate()
        ),
        header=ALLOCATION_COLUMNS,
        rows=lines(),
    )


class _Confirmed(Form):
    """A money form sent twice: first to see what it changes, then confirmed."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AllocationSetForm(_Confirmed):
    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), label=gettext_lazy("partner"))
    amount = forms.DecimalField(
        label=gettext_lazy("allocation"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        help_text=gettext_lazy(
            "What the partner may ask for in all from this fund (0 takes back what is not "
            "spoken for)."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept on the ledger and shown in the allocation's history."),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class TierAllocationForm(_Confirmed):
    tier = forms.ModelChoiceField(queryset=Tier.objects.none(), label=gettext_lazy("tier"))
    amount = forms.DecimalField(
        label=gettext_lazy("each partner's allocation"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy(
            "Leave empty for the tier's MDF allowance (per year; a quarter's fund gives a "
            "quarter of it)."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept on each partner's ledger line."),
    )

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["tier"].queryset = Tier.objects.filter(  # type: ignore[attr-defined]
            tenant_id=fund.tenant_id
        ).order_by("rank", "name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        tier: Tier | None = data.get("tier")
        if tier is not None and data.get("amount") is None:
            default = tier_default(self.fund, tier)
            if default is None:
                self.add_error(
                    "amount",
                    _(
                        "The tier's allowance is in %(tenant)s, the fund in %(fund)s: enter the "
                        "amount in %(fund)s."
                    )
                    % {"tenant": self.fund.tenant.default_currency, "fund": self.fund.currency},
                )
            else:
                data["amount"] = default
        return data


def tier_default(fund: Fund, tier: Tier) -> Decimal | None:
    """What each partner of `tier` gets by default: the tier's yearly MDF allowance, a quarter
    of it for a quarter's fund; None when the allowance is in another currency than the fund."""
    if fund.currency != fund.tenant.default_currency:
        return None
    share = tier.mdf_allowance / 4 if fund.period == Fund.Period.QUARTER else tier.mdf_allowance
    return quantize(share, fund.currency)


def _set_data(form: forms.BaseForm, **values: str) -> None:
    """The values the form's page sends next (a bound form's data is an immutable QueryDict)."""
    data = cast(QueryDict, form.data).copy()
    for name, value in values.items():
        data[name] = value
    form.data = data


def _confirm_page(
    request: HttpRequest,
    *,
    fund: Fund,
    form: _Confirmed,
    title: str,
    summary: list[tuple[str, str]],
    warning: str = "",
) -> HttpResponse:
    context = _context(request, fund, title)
    context |= {"form": form, "summary": summary, "warning": warning}
    return TemplateResponse(request, "admin/mdf/allocation/confirm.html", context)


def _form_page(request: HttpRequest, *, fund: Fund, form: _Confirmed, title: str) -> HttpResponse:
    if form.is_bound:
        # Refused after confirming: the next send is shown for confirmation again.
        _set_data(form, confirmed="")
    context = _context(request, fund, title)
    context |= {"form": form, "balances": fund_balances(membership_of(request), fund)}
    return TemplateResponse(request, "admin/mdf/allocation/set.html", context)


@requires("mdf.manage")
def allocation_set_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one partner's allocation: the form, then a page to confirm what changes, then the
    service (`allocation_set`)."""
    membership = membership_of(request)
    fund = _fund(request, pk)
    partners = visible_partners(membership).order_by("name")
    initial = {}
    chosen = parse_id(request.GET.get("partner"))
    if chosen is not None:
        current = Allocation.objects.filter(tenant_id=fund.tenant_id, fund=fund, partner=chosen)
        initial = {"partner": chosen, "amount": current.values_list("allocated", flat=True).first()}
    form = AllocationSetForm(posted(request), initial=initial, partners=partners)
    title = _("Set an allocation of %(fund)s") % {"fund": fund.name}
    if request.method == "POST" and form.is_valid():
        partner: Partner = form.cleaned_data["partner"]
        amount = quantize(form.cleaned_data["amount"], fund.currency)
        if form.cleaned_data["confirmed"]:
            done = form_call(
                form,
                allocation_set,
                actor=membership,
                fund=fund,
                partner=partner,
                amount=amount,
                reason=form.cleaned_data["reason"],
            )
            if not form.errors:
                if done is None:
                    message = _("%(partner)s's allocation was already %(amount)s.")
                else:
                    message = _("%(partner)s's allocation is now %(amount)s.")
                messages.success(
                    request,
                    message
                    % {"partner": partner.name, "amount": format_money(amount, fund.currency)},
                )
                return redirect("admin:mdf_fund_allocations", fund.pk)
        else:
            before = (
                Allocation.objects.filter(tenant_id=fund.tenant_id, fund=fund, partner=partner)
                .values_list("allocated", flat=True)
                .first()
                or ZERO
            )
            left = fund.budget - fund.allocated - (amount - before)
            _set_data(form, confirmed="on")
            return _confirm_page(
                request,
                fund=fund,
                form=form,
                title=_("Confirm the allocation"),
                summary=[
                    (_("Partner"), partner.name),
                    (_("Allocation now"), format_money(before, fund.currency)),
                    (_("Allocation after"), format_money(amount, fund.currency)),
                    (_("Budget left to allocate after"), format_money(left, fund.currency)),
                    (_("Reason"), form.cleaned_data["reason"]),
                ],
                warning=_("This is more than the fund has left to allocate: it will be refused.")
                if left < 0
                else "",
            )
    return _form_page(request, fund=fund, form=form, title=title)


@requires("mdf.manage")
def allocations_tier_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Give every active partner of a tier the same allocation: the form, a page to confirm
    how many partners and the total against what the budget has left, then the service
    (`allocations_by_tier`, all or nothing)."""
    membership = membership_of(request)
    fund = _fund(request, pk)
    form = TierAllocationForm(posted(request), fund=fund)
    title = _("Allocate %(fund)s by tier") % {"fund": fund.name}
    if request.method == "POST" and form.is_valid():
        tier: Tier = form.cleaned_data["tier"]
        amount = quantize(form.cleaned_data["amount"], fund.currency)
        if form.cleaned_data["confirmed"]:
            changed = form_call(
                form,
                allocations_by_tier,
                actor=membership,
                fund=fund,
                tier=tier,
                amount=amount,
                reason=form.cleaned_data["reason"],
            )
            if not form.errors:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d partner of %(tier)s now has %(amount)s.",
                        "%(n)d partners of %(tier)s now have %(amount)s each.",
                        changed or 0,
                    )
                    % {
                        "n": changed or 0,
                        "tier": tier.name,
                        "amount": format_money(amount, fund.currency),
                    },
                )
                return redirect("admin:mdf_fund_allocations", fund.pk)
        else:
            partners = Partner.objects.filter(
                tenant_id=fund.tenant_id, tier=tier, status=Partner.Status.ACTIVE
            )
            count = partners.count()
            before = (
                Allocation.objects.filter(
                    tenant_id=fund.tenant_id, fund=fund, partner__in=partners
                ).aggregate(total=Sum("allocated"))["total"]
                or ZERO
            )
            total = amount * count
            left = fund.budget - fund.allocated - (total - before)
            _set_data(form, confirmed="on", amount=str(amount))
            warning = ""
            if not count:
                warning = _("No active partner is in %(tier)s: nothing to allocate.") % {
                    "tier": tier.name
                }
            elif left < 0:
                warning = _("This is more than the fund has left to allocate: it will be refused.")
            return _confirm_page(
                request,
                fund=fund,
                form=form,
                title=_("Confirm the allocation by tier"),
                summary=[
                    (_("Tier"), tier.name),
                    (
                        _("Partners"),
                        ngettext("%(n)d active partner", "%(n)d active partners", count)
                        % {"n": count},
                    ),
                    (_("Each partner's allocation"), format_money(amount, fund.currency)),
                    (_("Total for the tier"), format_money(total, fund.currency)),
                    (_("Their allocations now"), format_money(before, fund.currency)),
                    (
                        _("Budget left to allocate now"),
                        format_money(fund.budget - fund.allocated, fund.currency),
                    ),
                    (_("Budget left to allocate after"), format_money(left, fund.currency)),
                    (_("Reason"), form.cleaned_data["reason"]),
                ],
                warning=warning,
            )
    return _form_page(request, fund=fund, form=form, title=title)
