"""The enrolments list in the vendor admin UI, read-only: who started which course and when,
and whether they passed it. It is the list behind the training metrics (a dashboard tile's
"courses passed" or "training completion rate" links here filtered to the metric's rows:
`training/metrics.py`).

A CAM sees the enrolments of the users of the partners assigned to them, in the list and on
every object URL (`prm.tenancy.partner_access.visible_partners`); vendor staff who may see
partners' training (`training.view`) see every partner's.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.pagination import DeferredJoinPaginator
from prm.tenancy.partner_access import VisiblePartnerFilter, visible_partners
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import badge, time_tag

from .models import Enrolment


class LearnerPartnerFilter(VisiblePartnerFilter):
    """The partner company of the learner (an enrolment has no partner of its own)."""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(membership__partner_id=self.value())
        return queryset


class PassedFilter(admin.SimpleListFilter):
    title = gettext_lazy("result")
    parameter_name = "passed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Passed")), ("no", _("In progress"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(completed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Enrolment, site=tenant_admin_site)
class EnrolmentAdmin(TenantModelAdmin):
    """No add, change or delete: learners enrol in the portal, passing completes them."""

    capabilities = {"view": "training.view"}
    # the training metrics count only active users' enrolments, and their links say so
    related_lookups = ("membership__is_active",)
    changelist_title = gettext_lazy("Course enrolments")
    menu_position = 30
    list_display = ["learner", "partner", "course", "started", "completed", "result"]
    key_columns = ("result",)
    list_display_links = None
    list_filter = [LearnerPartnerFilter, PassedFilter]
    search_fields = ["membership__user__email", "course__title", "membership__partner__name"]
    search_help_text = gettext_lazy("Learner's email, course title or partner name.")
    ordering = ["-started_at", "-id"]
    list_per_page = 50
    paginator = DeferredJoinPaginator
    show_full_result_count = False
    fields = readonly_fields = ("learner", "partner", "course", "started", "completed", "result")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        membership = membership_of(request)
        return Enrolment.objects.filter(
            tenant_id=membership.tenant_id,
            membership__partner__in=visible_partners(membership).values("pk"),
        ).select_related("membership__user", "membership__partner", "course")

    @admin.display(description=gettext_lazy("learner"), ordering="membership__user__email")
    def learner(self, obj: Enrolment) -> str:
        return obj.membership.user.email

    @admin.display(description=gettext_lazy("partner"))
    def partner(self, obj: Enrolment) -> str:
        return str(obj.membership.partner or "—")

    @admin.display(description=gettext_lazy("started"), ordering="started_at")
    def started(self, obj: Enrolment) -> Any:
        return time_tag(obj.started_at, short=True)

    @admin.display(description=gettext_lazy("passed"), ordering="completed_at")
    def completed(self, obj: Enrolment) -> Any:
        return time_tag(obj.completed_at, short=True)

    @admin.display(description=gettext_lazy("result"))
    def result(self, obj: Enrolment) -> Any:
        if obj.completed_at:
            return badge("status-approved", _("Passed"))
        return badge("status-pending", _("In progress"))
