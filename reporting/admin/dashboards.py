"""The program and CAM dashboards and the list behind each figure, with their CSV files.

Every figure comes from `reporting.dashboards` (which reads the metrics layer only); the views
resolve who asks, which partners they may see and which filters apply:

- the program dashboard (`reporting.program.view`) covers every partner the member sees, or one
  CAM's portfolio (`?cam=<membership id>`);
- the CAM dashboard (`reporting.cam.view`) covers a CAM's assigned partners: a CAM always their
  own (a `?cam=` of theirs is ignored), leaders and partner operations the CAM they pick (an id
  that is not one of the tenant's CAMs answers 404);
- the list behind a figure (`reporting.cam.view`) lists each partner the member sees (narrowed
  by the same filters and CAM) with its value, 50 a page, and as a CSV file.
"""

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from prm.csvio.writing import csv_response, export_filename
from prm.filters import parse_id
from prm.metrics.registry import Metric, get
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import assigned_partner_ids
from prm.tenancy.requests import membership_of, tenant_of
from prm.tenancy.roles import Role
from prm.workspace.sites import tenant_admin_site

from .. import dashboards as D

PAGE_SIZE = 50


def _picked_cam(request: HttpRequest, cams: list[Membership]) -> Membership | None:
    """The CAM named by `?cam=`, among the tenant's CAMs; None when none is named (or the value
    is not an id); 404 when the id is not one of them (another tenant's member, a rep, a
    made-up number)."""
    raw = request.GET.get("cam")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        return None  # not an id at all: left out, as every refused filter value
    found = next((c for c in cams if c.pk == pk), None)
    if found is None:
        raise Http404
    return found


def _scope(
    request: HttpRequest, *, cam_page: bool
) -> tuple[Membership, Any, D.Options, D.Filters, Membership | None, list[Membership]]:
    """Who asks, the partners the page covers (narrowed by the filters), the filter options,
    the filters, the CAM whose portfolio it is (if any) and the CAMs a leader may pick."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    options = D.options_for(tenant)
    filters = D.read_filters(request.GET, tenant, options)
    partners = D.program_partners(membership)
    cams: list[Membership] = []
    cam: Membership | None = None
    if membership.role == Role.CAM:
        # A CAM's pages are always theirs: `visible_partners` is already their portfolio.
        cam = membership if cam_page else None
    else:
        cams = D.cams_of(tenant)
        cam = _picked_cam(request, cams)
        if cam is not None:
            partners = partners.filter(pk__in=assigned_partner_ids(cam))
    return membership, filters.narrow(partners, options), options, filters, cam, cams


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**tenant_admin_site.each_context(request), **extra}


def _cam_query(filters: D.Filters, cam: Membership | None, *, keep_cam: bool) -> str:
    """The query string of the filters (and of the picked CAM, for a leader's pages)."""
    query = QueryDict(filters.query, mutable=True)
    if cam is not None and keep_cam:
        query["cam"] = str(cam.pk)
    return query.urlencode()


@requires("reporting.program.view")
def program(request: HttpRequest) -> HttpResponse:
    """The program dashboard: KPI tiles with their trend, pipeline and revenue over twelve
    months, breakdowns by type, tier and region, top partners, the funnel and the SLA."""
    membership, partners, options, filters, cam, cams = _scope(request, cam_page=False)
    dashboard = D.build(tenant_of(request), partners, filters, options)
    D.draw(dashboard, tenant_of(request))
    query = _cam_query(filters, cam, keep_cam=True)
    return TemplateResponse(
        request,
        "admin/reporting/program.html",
        _context(
            request,
            title=_("Program dashboard"),
            dashboard=dashboard,
            filters=filters,
            options=options,
            cams=cams,
            cam=cam,
            query=query,
            csv_url="admin:reporting_program_csv",
            may_see_cams=membership.can("reporting.cam.view"),
        ),
    )


@requires("reporting.cam.view")
def cam(request: HttpRequest) -> HttpResponse:
    """A CAM's dashboard: the program's figures over their partners, and what needs their
    attention (quiet partners, registrations expiring, decisions overdue, claims due)."""
    membership, partners, options, filters, picked, cams = _scope(request, cam_page=True)
    dashboard = None
    if picked is not None:
        dashboard = D.build(tenant_of(request), partners, filters, options, attention=True)
        D.draw(dashboard, tenant_of(request))
    query = _cam_query(filters, picked, keep_cam=membership.role != Role.CAM)
    return TemplateResponse(
        request,
        "admin/reporting/cam.html",
        _context(
            request,
            title=_cam_title(membership, picked),
            dashboard=dashboard,
            filters=filters,
            options=options,
            cams=cams,
            cam=picked,
            cam_label=D.member_label(picked) if picked else "",
            own=membership.role == Role.CAM,
            query=query,
            csv_url="admin:reporting_cam_csv",
            attention_rows=D.ATTENTION_ROWS,
        ),
    )


def _cam_title(membership: Membership, picked: Membership | None) -> str:
    if picked is None:
        return _("CAM dashboard")
    if picked.pk == membership.pk:
        return _("Your partners' dashboard")
    return _("Dashboard of %(cam)s") % {"cam": D.member_label(picked)}


# -- CSV -----------------------------------------------------------------------------------------

TABLES = ("tiles", "trend", "type", "tier", "region", "top", "funnel")
ATTENTION_TABLES = ("quiet", "expiring", "overdue", "claims_due")


def _table_rows(dashboard: D.Dashboard, table: str) -> tuple[list[Any], list[list[Any]]]:
    """One table of a dashboard as a CSV header and rows (figures as numbers)."""
    period, comparison = dashboard.filters.period, dashboard.filters.comparison
    if table == "tiles":
        header = [
            _("Figure"),
            _("Value"),
            _("Comparison value"),
            _("Change"),
            _("Unit"),
            _("From"),
            _("To"),
            _("Comparison from"),
            _("Comparison to"),
        ]
        rows = [
            [
                str(t.metric.label),
                t.value,
                t.before,
                t.change.text if t.change else "",
                t.metric.unit,
                period.start,
                period.end,
                comparison.start,
                comparison.end,
            ]
            for t in dashboard.tiles
        ]
        return header, rows
    if table == "trend":
        header = [
            _("Month"),
            _("Pipeline registered"),
            _("Revenue won"),
            _("Pipeline a year earlier"),
            _("Revenue a year earlier"),
        ]
        rows = [
            [
                m["month"].start,
                m["pipeline"],
                m["revenue"],
                m["pipeline_before"],
                m["revenue_before"],
            ]
            for m in dashboard.trend
        ]
        return header, rows
    if table == "funnel":
        header = [_("Step"), _("Count"), _("Conversion from the step before (%)")]
        return header, [[str(s.metric.label), s.value, s.conversion] for s in dashboard.funnel]
    groups = dashboard.top if table == "top" else dashboard.breakdowns[table]
    names = {
        "type": _("Partner type"),
        "tier": _("Tier"),
        "region": _("Region"),
        "top": _("Partner"),
    }
    header = [names[table], *[str(get(n).label) for n in D.BREAKDOWN]]
    rows = [[g.label, *[g.values.get(n) for n in D.BREAKDOWN]] for g in groups]
    return header, rows


def _attention_rows(dashboard: D.Dashboard, table: str) -> tuple[list[Any], list[list[Any]]]:
    if table == "quiet":
        return [_("Partner")], [[q["name"]] for q in dashboard.quiet[: D.ATTENTION_ROWS]]
    items = dashboard.attention[table][: D.ATTENTION_ROWS]
    if table == "claims_due":
        return (
            [_("Request"), _("Partner"), _("Claim due")],
            [[str(r), r.partner.name, r.claim_due_on] for r in items],
        )
    when = _("Protected until") if table == "expiring" else _("Decision due")
    return (
        [_("Registration"), _("Partner"), when],
        [
            [str(d), d.partner.name, d.expires_at if table == "expiring" else d.sla_due_at]
            for d in items
        ],
    )


def _csv(request: HttpRequest, dashboard: D.Dashboard, name: str, tables: tuple[str, ...]) -> Any:
    table = request.GET.get("table", "tiles")
    if table not in tables:
        raise Http404
    if table in ATTENTION_TABLES:
        header, rows = _attention_rows(dashboard, table)
    else:
        header, rows = _table_rows(dashboard, table)
    tenant = tenant_of(request)
    return csv_response(
        filename=export_filename(
            tenant.slug, f"{name}-{table}-{dashboard.filters.period.start.isoformat()}"
        ),
        header=header,
        rows=rows,
    )


@requires("reporting.program.view")
def program_csv(request: HttpRequest) -> Any:
    """One table of the program dashboard (`?table=`) as a CSV file, with the page's filters."""
    if request.GET.get("table", "tiles") not in TABLES:
        raise Http404
    _m, partners, options, filters, _cam, _cams = _scope(request, cam_page=False)
    dashboard = D.build(tenant_of(request), partners, filters, options)
    return _csv(request, dashboard, "program", TABLES)


@requires("reporting.cam.view")
def cam_csv(request: HttpRequest) -> Any:
    """One table of a CAM dashboard (`?table=`, the attention lists too) as a CSV file."""
    if request.GET.get("table", "tiles") not in TABLES + ATTENTION_TABLES:
        raise Http404
    _m, partners, options, filters, picked, _cams = _scope(request, cam_page=True)
    if picked is None:
        # A leader who has not picked a CAM yet: the page where they pick one.
        return redirect("admin:reporting_cam")
    dashboard = D.build(tenant_of(request), partners, filters, options, attention=True)
    return _csv(request, dashboard, "cam", TABLES + ATTENTION_TABLES)


# -- The list behind a figure --------------------------------------------------------------------


def _metric(name: str) -> Metric:
    try:
        return get(name)
    except ValueError:
        raise Http404 from None


@requires("reporting.cam.view")
def metric_list(request: HttpRequest, name: str) -> HttpResponse:
    """Each partner the member sees, with its value of one metric for the period (and the
    comparison period; numerator and denominator for a ratio), highest first, 50 a page,
    linking to the partner and to the raw records behind its figure."""
    metric = _metric(name)
    if request.GET.get("format") == "csv":
        return metric_csv(request, name)
    membership, partners, options, filters, cam, cams = _scope(request, cam_page=False)
    tenant = tenant_of(request)
    figures, total, total_text = D.partner_figures(tenant, metric, partners, filters)
    page = Paginator(figures, PAGE_SIZE).get_page(request.GET.get("page"))
    for figure in page.object_list:
        if metric.list_url is not None:
            figure.raw_url = metric.list_url(filters.period, figure.pk)
    query = _cam_query(filters, cam, keep_cam=True)
    parts = None
    if metric.rollup == "ratio of sums":
        parts = D.RATIO_PARTS.get(metric.name, (_("Counted"), _("Out of")))
    return TemplateResponse(
        request,
        "admin/reporting/metric.html",
        _context(
            request,
            title=str(metric.label).capitalize(),
            metric=metric,
            figures=page.object_list,
            page=page,
            total_text=total_text,
            total=total,
            parts=parts,
            filters=filters,
            options=options,
            cams=cams,
            cam=cam,
            query=query,
            all_url=metric.list_url(filters.period, None) if metric.list_url else None,
            may_program=membership.can("reporting.program.view"),
        ),
    )


@requires("reporting.cam.view")
def metric_csv(request: HttpRequest, name: str) -> Any:
    """The list behind a figure as a CSV file: every partner of the scope, with the filters."""
    metric = _metric(name)
    _m, partners, _options, filters, _cam, _cams = _scope(request, cam_page=False)
    tenant = tenant_of(request)
    figures, _total, _text = D.partner_figures(tenant, metric, partners, filters)
    ratio = metric.rollup == "ratio of sums"
    parts = D.RATIO_PARTS.get(metric.name, (_("Counted"), _("Out of")))
    header = [_("Partner"), _("Value"), _("Comparison value")]
    if ratio:
        header += [str(parts[0]), str(parts[1])]
    header += [_("From"), _("To")]

    def rows() -> Iterator[list[Any]]:
        for f in figures:
            row: list[Any] = [f.name, f.value, f.before]
            if ratio:
                row += [f.numerator_value, f.denominator_value]
            yield [*row, filters.period.start, filters.period.end]

    return csv_response(
        filename=export_filename(
            tenant.slug, f"{metric.name.replace('.', '-')}-{filters.period.start.isoformat()}"
        ),
        header=header,
        rows=rows(),
    )
