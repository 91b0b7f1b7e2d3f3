"""The completion report in the admin UI: every course, then one course per tier and per
partner, each with its CSV. `training.view`; a CAM's figures count only the partners assigned
to them (`selectors.partner_scope`), in the pages and the files alike."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.charts import Bar, bar_chart, palette_for
from prm.csvio.writing import csv_response, export_filename
from prm.tenancy.decorators import requires
from prm.tenancy.models import Tenant
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import tenant_admin_site

from ..models import Course
from .forms import ReportQuery
from .selectors import (
    Completion,
    CourseCompletion,
    TierCompletion,
    course_completion,
    course_rows,
    partner_completion,
    partner_rows,
    reported_courses,
    tier_rows,
)

PAGE_SIZE = 25

#: (sort key, column heading) of the two tables; a key of None is not sortable
COURSE_COLUMNS = [
    ("title", gettext_lazy("Course")),
    (None, gettext_lazy("Learners targeted")),
    ("started", gettext_lazy("Started")),
    (None, gettext_lazy("In progress")),
    ("passed", gettext_lazy("Passed")),
    ("rate", gettext_lazy("Pass rate")),
    (None, gettext_lazy("Reach")),
    ("median", gettext_lazy("Median days to pass")),
]
PARTNER_COLUMNS = [
    ("name", gettext_lazy("Partner")),
    ("tier", gettext_lazy("Tier")),
    ("targeted", gettext_lazy("Learners targeted")),
    ("started", gettext_lazy("Started")),
    (None, gettext_lazy("In progress")),
    ("passed", gettext_lazy("Passed")),
    ("rate", gettext_lazy("Pass rate")),
    ("reach", gettext_lazy("Reach")),
    (None, gettext_lazy("Median days to pass")),
]


def _figures(c: Completion) -> list[Any]:
    """A row's figures in the tables' and the files' order (after its name)."""
    return [c.targeted, c.started, c.in_progress, c.passed, c.pass_rate, c.reach, c.median_days]


def _query(request: HttpRequest, **changes: str) -> str:
    """The page's query string with `changes` (an empty value removes the parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _headings(request: HttpRequest, columns: list[Any], sort: str) -> list[dict[str, Any]]:
    """Column headings, each sortable one a link that sorts by it (again: the other way)."""
    headings = []
    for key, label in columns:
        heading: dict[str, Any] = {"label": label, "url": "", "order": ""}
        if key is not None:
            ascending = sort == key
            # Names read best A to Z, figures highest first.
            first = key if key in ("title", "name", "tier") else f"-{key}"
            target = f"-{key}" if ascending else (key if sort == f"-{key}" else first)
            heading["url"] = _query(request, sort=target, page="")
            heading["order"] = (
                "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
            )
        headings.append(heading)
    return headings


def _tier_chart(rows: list[TierCompletion], *, by_reach: bool, tenant: Tenant) -> str:
    """The pass rate (or reach) per tier as horizontal bars on a 0-100% scale, each with its
    "n of m", in the tenant's colours (prm.charts)."""
    bars = [
        Bar(
            label=row.tier.name if row.tier else _("No tier"),
            value=row.reach if by_reach else row.pass_rate,
            note=_("%(n)s of %(m)s")
            % {
                "n": row.reached if by_reach else row.passed,
                "m": row.targeted if by_reach else row.started,
            },
        )
        for row in rows
    ]
    title = _("Reach per tier") if by_reach else _("Pass rate per tier")
    if not bars:
        return ""
    return bar_chart(
        bars,
        title=title,
        horizontal=True,
        unit="percent",
        scale_to=(Decimal(0), Decimal(100)),
        category_title=_("Tier"),
        palette=palette_for(tenant),
    )


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _context(request: HttpRequest, form: ReportQuery, title: str) -> dict[str, Any]:
    return {
        **tenant_admin_site.each_context(request),
        "title": title,
        "opts": Course._meta,
        "form": form,
        "narrowed": form.narrowed,
        "clear_url": _query(
            request,
            **{name: "" for name in form.fields if name != "sort"},
            page="",
        ),
    }


@requires("training.view")
def completion_report(request: HttpRequest) -> HttpResponse:
    """Every course with its learners targeted, started, passed, pass rate, reach and median
    days to pass; the pass rate per tier as a chart."""
    membership = membership_of(request)
    form = ReportQuery(request.GET, membership=membership, per_partner=False)
    filters, sort = form.filters(), form.sort_key
    page = _page(request, reported_courses(membership, filters, sort))
    rows = course_rows(membership, filters, list(page.object_list))
    tiers = tier_rows(membership, filters)
    context = _context(request, form, _("Completion report"))
    context |= {
        "page": page,
        "rows": rows,
        "headings": _headings(request, COURSE_COLUMNS, sort),
        "tiers": tiers,
        "chart": _tier_chart(tiers, by_reach=False, tenant=tenant_of(request)),
        "any_course": page.paginator.count
        or Course.objects.filter(
            tenant_id=membership.tenant_id, current_version__isnull=False
        ).exists(),
        "page_query": _query(request, page=""),
        "csv_query": _query(request, page="", sort=sort),
    }
    return TemplateResponse(request, "admin/training/reports/courses.html", context)


@requires("training.view")
def completion_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The course table as a CSV file: every course the filters keep (not only the page), in
    the page's order, with the same columns."""
    membership = membership_of(request)
    form = ReportQuery(request.GET, membership=membership, per_partner=False)
    filters = form.filters()
    courses = list(reported_courses(membership, filters, form.sort_key))
    rows: list[CourseCompletion] = course_rows(membership, filters, courses)
    header: list[Any] = [label for _key, label in COURSE_COLUMNS]
    header.insert(1, _("Version"))

    def lines() -> Iterator[list[Any]]:
        for row in rows:
            assert row.course is not None
            version = row.course.current_version
            yield [row.course.title, version.number if version else "", *_figures(row)]

    return csv_response(
        filename=export_filename(
            tenant_of(request).slug, _("training completion"), timezone.localdate()
        ),
        header=header,
        rows=lines(),
    )


def _course(request: HttpRequest, pk: int) -> Course:
    """A course of the tenant that was published at least once (404 else)."""
    membership = membership_of(request)
    return get_object_or_404(
        Course.objects.filter(
            tenant_id=membership.tenant_id, current_version__isnull=False
        ).prefetch_related("segments__partner_types"),
        pk=pk,
    )


@requires("training.view")
def course_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One course: its totals, its figures per tier (with the reach as a chart) and per
    partner, the partners it targets first among them those with no one started."""
    membership = membership_of(request)
    course = _course(request, pk)
    form = ReportQuery(request.GET, membership=membership, per_partner=True)
    filters, sort = form.filters(), form.sort_key
    total = course_completion(membership, course, filters)
    tiers = tier_rows(membership, filters, course)
    page = _page(request, partner_rows(membership, filters, course, sort))
    context = _context(request, form, _("Completion of %(course)s") % {"course": course.title})
    context |= {
        "course": course,
        "segments": list(course.segments.all()),
        "total": total,
        "tiers": tiers,
        "chart": _tier_chart(tiers, by_reach=True, tenant=tenant_of(request)),
        "page": page,
        "partners": [(p, partner_completion(p)) for p in page.object_list],
        "headings": _headings(request, PARTNER_COLUMNS, sort),
        "page_query": _query(request, page=""),
        "csv_query": _query(request, page="", sort=sort),
    }
    return TemplateResponse(request, "admin/training/reports/course.html", context)


@requires("training.view")
def course_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """One course's partner table as a CSV file: every partner the filters keep, in the page's
    order (streamed: the rows are read while the file is sent)."""
    membership = membership_of(request)
    course = _course(request, pk)
    form = ReportQuery(request.GET, membership=membership, per_partner=True)
    partners = partner_rows(membership, form.filters(), course, form.sort_key)

    def lines() -> Iterator[list[Any]]:
        for partner in partners.iterator(chunk_size=500):
            tier = partner.tier.name if partner.tier else ""
            yield [partner.name, tier, *_figures(partner_completion(partner))]

    return csv_response(
        filename=export_filename(
            tenant_of(request).slug, f"{course.title} completion", timezone.localdate()
        ),
        header=[label for _key, label in PARTNER_COLUMNS],
        rows=lines(),
    )
