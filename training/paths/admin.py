"""Paths and certifications in the vendor admin UI (under `training.manage`; `training.view`
looks): a path with its ordered courses inline and a confirmed Publish; a certification with
its holders (a CAM: their partners' only), each holder's certificate and a confirmed Revoke."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.forms import BaseFormSet, CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..forms import ConfirmForm
from ..models import Certification, CertificationAward, LearningPath, PathCourse
from .certificate import certificate_response, verification_url
from .forms import CertificationForm, PathCourseForm, PathCourseFormSet, RevokeForm
from .selectors import awards_seen_by
from .services import (
    award_revoke,
    path_problems,
    path_publish,
    path_required_added,
    path_unpublish,
)


class PathCourseInline(TenantInline):
    model = PathCourse
    form = PathCourseForm
    formset = PathCourseFormSet
    capabilities = {"edit": "training.manage", "view": "training.view"}
    extra = 1
    ordering = ["position", "id"]
    fields = ["position", "course", "required", "prerequisite", "open_from_start"]
    verbose_name = gettext_lazy("course")
    verbose_name_plural = gettext_lazy(
        "Courses, in the order learners take them (each unlocks when the previous required "
        "course is passed, unless you name another or open it from the start)"
    )


@admin.register(LearningPath, site=tenant_admin_site)
class LearningPathAdmin(TenantModelAdmin):
    """Learning paths; partners of the path's segments see it once it is published."""

    capabilities = {
        "view": "training.view",
        "add": "training.manage",
        "change": "training.manage",
        "delete": "training.manage",
    }
    inlines = [PathCourseInline]
    list_display = ["title", "course_count", "required_count", "audience", "changed", "state"]
    key_columns = ("state",)
    search_fields = ["title", "summary"]
    list_filter = ["status"]
    fields = ["title", "summary", "segments"]
    change_form_template = "admin/training/paths/path_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearningPath]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_courses=Count("steps", distinct=True),
                n_required=Count("steps", filter=Q(steps__required=True), distinct=True),
                n_segments=Count("segments", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj: LearningPath) -> str:
        if obj.status == LearningPath.Status.DRAFT:
            return badge("status-draft", _("Draft"), _("Partners do not see it yet."))
        return badge("status-approved", _("Published"))

    @admin.display(description=gettext_lazy("courses"), ordering="n_courses")
    def course_count(self, obj: LearningPath) -> int:
        return obj.n_courses  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("required"), ordering="n_required")
    def required_count(self, obj: LearningPath) -> int:
        return obj.n_required  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("for"))
    def audience(self, obj: LearningPath) -> str:
        n = obj.n_segments  # type: ignore[attr-defined]
        if not n:
            return _("Every partner")
        return _("%(n)d segment(s)") % {"n": n}

    @admin.display(description=gettext_lazy("changed"), ordering="updated_at")
    def changed(self, obj: LearningPath) -> Any:
        return time_tag(obj.updated_at, short=True)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Required courses before and after the save: a published path tells its learners
        # about each newly required course (`path_required_added`).
        path_obj = form.instance
        before = set(
            PathCourse.objects.filter(
                tenant_id=path_obj.tenant_id, path=path_obj, required=True
            ).values_list("course_id", flat=True)
        )
        super().save_related(request, form, formsets, change)
        after = set(
            PathCourse.objects.filter(
                tenant_id=path_obj.tenant_id, path=path_obj, required=True
            ).values_list("course_id", flat=True)
        )
        added = sorted(after - before)
        if added and path_obj.status == LearningPath.Status.PUBLISHED:
            path_required_added(actor=membership_of(request), path=path_obj, course_ids=added)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseFormSet, change: bool
    ) -> None:
        for step in formset.save(commit=False):  # type: ignore[attr-defined]
            step.tenant_id = form.instance.tenant_id
            step.save()
        for gone in formset.deleted_objects:  # type: ignore[attr-defined]
            gone.delete()

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/publish/",
                wrap(self.publish_view),
                name="training_learningpath_publish",
            ),
            path(
                "<path:object_id>/unpublish/",
                wrap(self.unpublish_view),
                name="training_learningpath_unpublish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then publish the path to the partners of its segments."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        path_obj = self.get_object(request, object_id)
        steps = list(
            PathCourse.objects.filter(tenant_id=path_obj.tenant_id, path=path_obj)
            .select_related("course")
            .order_by("position", "id")
        )

        def publish(form: ConfirmForm) -> Done:
            path_publish(actor=membership_of(request), path=path_obj)
            return Done(
                _("%(path)s is published: partners of its segments find it under Learning.")
                % {"path": path_obj},
                "admin:training_learningpath_change",
                (path_obj.pk,),
                level=messages.SUCCESS,
            )

        return form_page(
            request,
            form_class=ConfirmForm,
            on_valid=publish,
            admin_site=self.admin_site,
            template="admin/training/paths/publish.html",
            title=_("Publish %s") % path_obj,
            obj=path_obj,
            context={
                "steps": steps,
                "problems": path_problems(path_obj),
                "segments": list(path_obj.segments.all()),
                "cancel_url": reverse("admin:training_learningpath_change", args=[path_obj.pk]),
            },
        )

    def unpublish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then take the path back to draft."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        path_obj = self.get_object(request, object_id)

        def unpublish(form: ConfirmForm) -> Done:
            path_unpublish(actor=membership_of(request), path=path_obj)
            return Done(
                _("%(path)s is a draft again: partners no longer see it.") % {"path": path_obj},
                "admin:training_learningpath_change",
                (path_obj.pk,),
            )

        return form_page(
            request,
            form_class=ConfirmForm,
            on_valid=unpublish,
            admin_site=self.admin_site,
            template="admin/training/paths/unpublish.html",
            title=_("Unpublish %s") % path_obj,
            obj=path_obj,
            context={
                "cancel_url": reverse("admin:training_learningpath_change", args=[path_obj.pk])
            },
        )


@admin.register(Certification, site=tenant_admin_site)
class CertificationAdmin(TenantModelAdmin):
    """Certifications, what earns each, and who holds them."""

    capabilities = {
        "view": "training.view",
        "add": "training.manage",
        "change": "training.manage",
        "delete": "training.manage",
    }
    form = CertificationForm
    list_display = ["name", "earned_by", "validity", "holder_count", "state"]
    key_columns = ("state",)
    search_fields = ["name", "description"]
    list_filter = ["status"]
    fields = ["name", "description", "path", "course", "validity_months", "status"]
    change_form_template = "admin/training/paths/certification_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Certification]:
        now = timezone.now()
        valid = CertificationAward.valid_q(now, "awards__") & Q(
            awards__partner__in=visible_partners(membership_of(request))
        )
        return (
            super()
            .get_queryset(request)
            .select_related("path", "course")
            .annotate(holders=Count("awards__membership", filter=valid, distinct=True))
        )

    @admin.display(description=gettext_lazy("earned by passing"))
    def earned_by(self, obj: Certification) -> str:
        if obj.path_id:
            return _("the path %(title)s") % {"title": obj.path}
        return _("the course %(title)s") % {"title": obj.course}

    @admin.display(description=gettext_lazy("valid for"), ordering="validity_months")
    def validity(self, obj: Certification) -> str:
        if not obj.validity_months:
            return _("Never expires")
        return _("%(n)d months") % {"n": obj.validity_months}

    @admin.display(description=gettext_lazy("valid holders"), ordering="holders")
    def holder_count(self, obj: Certification) -> Any:
        url = reverse("admin:training_certification_holders", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.holders)  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj: Certification) -> str:
        if obj.status == Certification.Status.RETIRED:
            return badge("status-draft", _("Retired"), _("No longer awarded."))
        return badge("status-approved", _("Active"))

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/holders/",
                wrap(self.holders_view),
                name="training_certification_holders",
            ),
            path(
                "<path:object_id>/holders/<int:award_id>/certificate/",
                wrap(self.certificate_view),
                name="training_certification_certificate",
            ),
            path(
                "<path:object_id>/holders/<int:award_id>/revoke/",
                wrap(self.revoke_view),
                name="training_certification_revoke",
            ),
            *super().get_urls(),
        ]

    def _award(self, request: HttpRequest, object_id: str, award_id: int) -> CertificationAward:
        certification = self.get_object(request, object_id)
        return get_object_or_404(
            awards_seen_by(membership_of(request)).select_related(
                "certification", "partner", "membership__user", "tenant"
            ),
            certification=certification,
            pk=award_id,
        )

    def holders_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Everyone who earned the certification (a CAM: at their partners), newest first,
        with expiry and state."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        certification = self.get_object(request, object_id)
        now = timezone.now()
        awards = list(
            awards_seen_by(membership_of(request))
            .filter(certification=certification)
            .select_related("membership__user", "partner")
            .order_by("-earned_at", "-id")[:500]
        )
        rows = [{"award": a, "state": a.state_at(now)} for a in awards]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Holders of %s") % certification,
            "opts": self.model._meta,
            "original": certification,
            "certification": certification,
            "rows": rows,
            "may_revoke": self.has_change_permission(request),
        }
        return render(request, "admin/training/paths/holders.html", context)

    def certificate_view(self, request: HttpRequest, object_id: str, award_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return certificate_response(request, self._award(request, object_id, award_id))

    def revoke_view(self, request: HttpRequest, object_id: str, award_id: int) -> HttpResponse:
        """Confirm with a reason, then revoke the award."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        award = self._award(request, object_id, award_id)
        holders = reverse("admin:training_certification_holders", args=[award.certification_id])

        def revoke(form: RevokeForm) -> Done:
            award_revoke(
                actor=membership_of(request), award=award, reason=form.cleaned_data["reason"]
            )
            return Done(
                _("%(holder)s's %(cert)s is revoked; the verification page says so.")
                % {"holder": award.membership.user, "cert": award.certification},
                "admin:training_certification_holders",
                (award.certification_id,),
            )

        return form_page(
            request,
            form_class=RevokeForm,
            on_valid=revoke,
            admin_site=self.admin_site,
            template="admin/training/paths/revoke.html",
            title=_("Revoke %(cert)s of %(holder)s")
            % {"cert": award.certification, "holder": award.membership.user},
            obj=award.certification,
            context={
                "award": award,
                "state": award.state_at(timezone.now()),
                "verify_url": verification_url(request, award),
                "cancel_url": holders,
            },
        )
