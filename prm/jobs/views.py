"""The background jobs' pages: the list, a job with its progress bar (the fragment it polls),
the cancel confirmation and the result download.

Every page declares `jobs.view` (every vendor role); each job is found through
`selectors.jobs_visible_to`, which keeps the kinds whose own capability the member holds, so a
job of another tenant or of a kind the member may not see answers 404.
"""

import mimetypes
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.filters import parse_id
from prm.pagination import DeferredJoinPaginator
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.uploads.private import private_file_response
from prm.workspace.sites import tenant_admin_site
from prm.workspace.ui import Done, form_page

from .forms import CancelForm, JobQuery
from .models import Job
from .registry import job_kind, kinds_for
from .selectors import jobs_visible_to
from .services import job_cancel

PAGE_SIZE = 25


def _job(request: HttpRequest, pk: str) -> Job:
    number = parse_id(pk)
    if number is None:
        raise Http404
    return get_object_or_404(jobs_visible_to(membership_of(request)), pk=number)


def _job_context(job: Job) -> dict[str, Any]:
    try:
        kind = job_kind(job.kind)
    except LookupError:  # a kind its app no longer registers: the row still reads
        kind = None
    back = kind.back_url(job) if kind is not None and kind.back_url is not None else None
    return {
        "job": job,
        "kind_label": kind.label if kind is not None else job.kind,
        "back_url": back,
        "may_cancel": not job.is_finished and job.cancel_requested_at is None,
    }


@requires("jobs.view")
def job_list(request: HttpRequest) -> HttpResponse:
    """The tenant's recent jobs of the kinds the member may see, newest first, 25 a page."""
    membership = membership_of(request)
    query = JobQuery(request.GET).values()
    visible = kinds_for(membership)
    jobs = jobs_visible_to(membership)
    if query["kind"]:
        if query["kind"] not in visible:
            raise PermissionDenied
        jobs = jobs.filter(kind=query["kind"])
    if query["status"]:
        jobs = jobs.filter(status=query["status"])
    page = DeferredJoinPaginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {name: job_kind(name).label for name in visible}
    filtered = bool(query["kind"] or query["status"])
    page_query = request.GET.copy()
    page_query.pop("page", None)
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Background jobs"),
        "page": page,
        "rows": [(job, labels.get(job.kind, job.kind)) for job in page.object_list],
        "filtered": filtered,
        "page_query": "?" + (page_query.urlencode() + "&" if page_query else ""),
    }
    request.current_app = tenant_admin_site.name
    return TemplateResponse(request, "admin/jobs/job_list.html", context)


@requires("jobs.view")
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A job: who started it and when, its progress (polled while it runs), its failures, the
    Cancel button and the result."""
    job = _job(request, pk)
    context = {
        **tenant_admin_site.each_context(request),
        "title": job.label,
        **_job_context(job),
    }
    request.current_app = tenant_admin_site.name
    return TemplateResponse(request, "admin/jobs/job_detail.html", context)


@requires("jobs.view")
def job_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The part of the job page that changes while it runs (htmx polls it every 2 s)."""
    job = _job(request, pk)
    return TemplateResponse(request, "admin/jobs/_progress.html", _job_context(job))


@requires("jobs.view")
def job_cancel_page(request: HttpRequest, pk: str) -> HttpResponse:
    """GET: what cancelling does, and the button; POST: cancel (`services.job_cancel`)."""
    job = _job(request, pk)
    membership = membership_of(request)
    url = reverse("admin:job", args=[job.pk])

    def cancel(form: CancelForm) -> Done:
        cancelled = job_cancel(actor=membership, job=job)
        if cancelled.status == Job.Status.CANCELLED:
            return Done(_("The job is cancelled."), url)
        if cancelled.is_finished:
            return Done(_("The job had already finished."), url)
        return Done(_("The job stops after the item it is working on."), url)

    return form_page(
        request,
        form_class=CancelForm,
        on_valid=cancel,
        template="admin/jobs/job_cancel.html",
        title=_("Cancel %(job)s") % {"job": job.label},
        obj=job,
        context={**_job_context(job), "cancel_url": url},
    )


@requires("jobs.view")
def job_result(request: HttpRequest, pk: str) -> HttpResponseBase:
    """The job's result file, to whoever may see the job; 404 when it has none."""
    job = _job(request, pk)
    if not job.result:
        raise Http404
    content_type = mimetypes.guess_type(job.result_name)[0] or "application/octet-stream"
    return private_file_response(job.result, name=job.result_name, content_type=content_type)
