"""The bulk QBR export page (`admin:reporting_qbr_export`, `reporting.qbrs.export`).

The member picks a quarter (the current fiscal quarter or one of the four before) and which
partners (all they see; one CAM's, for leaders and partner operations; a tier's; a segment's),
and "Count the partners" (a GET) shows how many the export covers and the first names; the
confirm button (a POST of the same choices) starts the job (`reporting.qbrs.export`) and sends
the member to the job's page, with its progress bar, failures, Cancel and the zip. A value the
page did not offer is refused beside its field; an empty selection says so and starts nothing.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Segment, Tier
from prm.forms import Form, form_call
from prm.metrics.periods import Period
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import membership_of
from prm.workspace.sites import tenant_admin_site

from ..dashboards import cams_of, member_label
from ..qbrs import export as E
from ..qbrs.services import recent_quarters

#: names shown under the count before "and N more"
SHOWN_NAMES = 10


@dataclass
class Options:
    """What the page offers the member, by the form's values."""

    quarters: dict[str, Period]
    cams: dict[str, Membership]
    tiers: dict[str, Tier]
    segments: dict[str, Segment]

    def selection(self, data: dict[str, Any]) -> E.Selection:
        return E.Selection(
            quarter=self.quarters[data["quarter"]],
            scope=data["scope"],
            cam=self.cams.get(data.get("cam") or ""),
            tier=self.tiers.get(data.get("tier") or ""),
            segment=self.segments.get(data.get("segment") or ""),
        )


def options_for(membership: Membership) -> Options:
    tenant = membership.tenant
    quarters = recent_quarters(tenant, timezone.localdate())
    cams = cams_of(tenant) if E.may_pick_cam(membership) else []
    tiers = Tier.objects.filter(tenant=tenant).order_by("-rank", "name")
    segments = Segment.objects.filter(tenant=tenant).order_by("name")
    return Options(
        quarters={q.start.isoformat(): q for q in quarters},
        cams={str(c.pk): c for c in cams},
        tiers={str(t.pk): t for t in tiers},
        segments={str(s.pk): s for s in segments},
    )


class ExportForm(Form):
    """The quarter and the partners of an export; the scope's own field must name one."""

    quarter = forms.ChoiceField(label=gettext_lazy("Quarter"))
    scope = forms.ChoiceField(label=gettext_lazy("Partners"), widget=forms.RadioSelect)
    cam = forms.ChoiceField(label=gettext_lazy("Channel account manager"), required=False)
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), required=False)
    segment = forms.ChoiceField(label=gettext_lazy("Segment"), required=False)

    def __init__(self, *args: Any, options: Options, labels: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("quarter", [(k, labels[k]) for k in options.quarters])
        scopes = [(E.ALL, _("All my partners"))]
        if options.cams:
            scopes.append((E.CAM, _("The partners of a channel account manager")))
        else:
            del self.fields["cam"]
        scopes += [(E.TIER, _("The partners of a tier")), (E.SEGMENT, _("A segment"))]
        self._choices("scope", scopes)
        if "cam" in self.fields:
            cams = [(k, member_label(c)) for k, c in options.cams.items()]
            self._choices("cam", cams, blank=True)
        self._choices("tier", [(k, t.name) for k, t in options.tiers.items()], blank=True)
        self._choices("segment", [(k, s.name) for k, s in options.segments.items()], blank=True)

    def _choices(self, name: str, choices: list[tuple[str, str]], blank: bool = False) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *choices] if blank else choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = {
            E.CAM: ("cam", _("Choose a channel account manager.")),
            E.TIER: ("tier", _("Choose a tier.")),
            E.SEGMENT: ("segment", _("Choose a segment.")),
        }
        scope = data.get("scope")
        if scope in needs:
            field, message = needs[scope]
            if field in self.fields and not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        return data


def _bound_data(request: HttpRequest) -> QueryDict | None:
    """The choices to read: a POST's, or a GET's that names a quarter (the count); None for
    the empty page."""
    if request.method == "POST":
        return request.POST
    if "quarter" in request.GET or "scope" in request.GET:
        return request.GET
    return None


@requires("reporting.qbrs.export")
def qbr_export(request: HttpRequest) -> HttpResponse:
    """Pick the quarter and the partners, see how many, confirm: the job starts."""
    membership = membership_of(request)
    tenant = membership.tenant
    options = options_for(membership)
    labels = {
        key: _("%(quarter)s (%(start)s to %(end)s)")
        % {
            "quarter": E.quarter_label(tenant, q),
            "start": q.start.strftime("%d %b %Y"),
            "end": q.end.strftime("%d %b %Y"),
        }
        for key, q in options.quarters.items()
    }
    quarters = list(options.quarters.values())
    last = quarters[1] if len(quarters) > 1 else quarters[0]
    data = _bound_data(request)
    form = ExportForm(
        data,
        options=options,
        labels=labels,
        initial={"quarter": last.start.isoformat(), "scope": E.ALL},
    )
    count: int | None = None
    names: list[str] = []
    if data is not None and form.is_valid():
        selection = options.selection(form.cleaned_data)
        if request.method == "POST":
            job = form_call(form, E.qbr_export_start, actor=membership, selection=selection)
            if job is not None:
                messages.success(
                    request,
                    _(
                        "Exporting the QBRs in the background: follow the progress here, and "
                        "download the zip when it is done."
                    ),
                )
                return redirect("admin:job", job.pk)
        else:
            partners = E.export_partners(membership, selection)
            count = partners.count()
            names = list(partners.values_list("name", flat=True)[:SHOWN_NAMES])
            if not count:
                form.add_error("scope", _("No partner to export: choose other partners."))
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Export QBRs"),
        "form": form,
        "count": count,
        "names": names,
        "more": (count or 0) - len(names),
        "quarter_text": labels.get(form.data.get("quarter", ""), "") if data else "",
    }
    request.current_app = tenant_admin_site.name
    return TemplateResponse(request, "admin/reporting/qbr_export.html", context)
