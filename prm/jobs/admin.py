"""Background jobs in the admin UI's menu: the model admin only gives the side menu and
"All pages" their "Background jobs" entry; its list and change URLs send the member to the job
pages (`views.py`), which show the progress bar, failures, Cancel and the result."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from prm.filters import parse_id
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from .models import Job
from .selectors import jobs_visible_to


class JobAdmin(TenantModelAdmin):
    capabilities = {"view": "jobs.view"}
    fields = readonly_fields = ("label",)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect("admin:jobs")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        # Found through the selector first: a job the member may not see answers 404.
        pk = parse_id(object_id)
        job = get_object_or_404(jobs_visible_to(membership_of(request)), pk=pk or 0)
        return HttpResponseRedirect(reverse("admin:job", args=[job.pk]))

    def get_queryset(self, request: HttpRequest) -> Any:
        return jobs_visible_to(membership_of(request))


tenant_admin_site.register(Job, JobAdmin)
