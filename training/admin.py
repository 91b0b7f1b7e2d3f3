"""The course builder in the vendor admin UI: a course with its ordered modules inline, a
confirmed Publish, and a preview of the draft as partners will see it, optionally as a partner
of a chosen segment (is the course offered to them, and where it sits in their paths)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms import BaseFormSet, CheckboxSelectMultiple
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.models import Segment
from prm.filters import QueryForm
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from .content import clean_html, video_embed
from .forms import ConfirmForm, CourseForm, ModuleForm
from .models import Course, Enrolment, LearningPath, Module, ModuleKind, PathCourse
from .paths.selectors import StepRow, build_path, path_targets
from .quizzes.admin import quiz_editor, quiz_link, quiz_preview
from .selectors import draft_modules, progress_rows
from .services import course_publish, module_problem, module_save


class PreviewQuery(QueryForm):
    """The preview's "as a partner of" chooser: one of the tenant's segments, or none (every
    partner). A value that is not one of them is left out: the preview for every partner."""

    segment = forms.ChoiceField(label=gettext_lazy("Preview as a partner of"))

    def __init__(self, query: QueryDict, *, segments: list[Segment]) -> None:
        super().__init__(query)
        self.segments = {str(s.pk): s for s in segments}
        field = self.fields["segment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Every partner (any segment)"))] + [
            (pk, s.name) for pk, s in self.segments.items()
        ]

    def chosen(self) -> Segment | None:
        return self.segments.get(self.values()["segment"] or "")


@dataclass(frozen=True)
class PathPlace:
    """Where a course sits in a published path, as the partners the path targets see it."""

    path: LearningPath
    #: the path's segments (empty: every partner)
    audience: list[Segment]
    step: StepRow
    position: int
    total: int


def path_places(course: Course, segment: Segment | None) -> list[PathPlace]:
    """The published paths holding `course` that a partner of `segment` follows (None: every
    path holding it, whoever it targets), each with the course's place and lock, as a new
    learner sees it (nothing passed yet). Steps whose course that partner is not offered are
    left out, as `training.paths.selectors.build_path` does for learners (four queries)."""
    paths = LearningPath.objects.filter(
        tenant_id=course.tenant_id,
        status=LearningPath.Status.PUBLISHED,
        steps__course=course,
    ).distinct()
    if segment is not None:
        paths = paths.filter(path_targets([segment.pk]))
    found = list(paths.prefetch_related("segments").order_by("title", "id"))
    if not found:
        return []
    steps: dict[int, list[PathCourse]] = {p.pk: [] for p in found}
    for step in (
        PathCourse.objects.filter(tenant_id=course.tenant_id, path_id__in=list(steps))
        .select_related("course__current_version")
        .order_by("path_id", "position", "id")
    ):
        steps[step.path_id].append(step)
    courses = {s.course.pk: s.course for rows in steps.values() for s in rows}
    # Course targeting compared by segment id: no segment = every partner (`targets_partner`).
    targets: dict[int, set[int]] = {}
    through = Course.segments.through
    for course_id, segment_id in through.objects.filter(course_id__in=list(courses)).values_list(
        "course_id", "segment_id"
    ):
        targets.setdefault(course_id, set()).add(segment_id)
    offered = [
        c
        for c in courses.values()
        if c.status == Course.Status.PUBLISHED
        and (segment is None or not targets.get(c.pk) or segment.pk in targets[c.pk])
    ]
    rows = {row.course.pk: row for row in progress_rows(offered, {})}
    places = []
    for found_path in found:
        built = build_path(found_path, steps[found_path.pk], rows)
        ids = [s.course.pk for s in built.steps]
        if course.pk in ids:
            index = ids.index(course.pk)
            places.append(
                PathPlace(
                    path=found_path,
                    audience=list(found_path.segments.all()),
                    step=built.steps[index],
                    position=index + 1,
                    total=len(ids),
                )
            )
    return places


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().values("course_id").annotate(n=Count("id")).values("n"),
        output_field=IntegerField(),
    )


class ModuleInline(TenantInline):
    model = Module
    form = ModuleForm
    capabilities = {"edit": "training.manage", "view": "training.view"}
    extra = 1
    ordering = ["position", "id"]
    fields = [
        "position",
        "title",
        "kind",
        "minutes",
        "body_html",
        "video_url",
        "file",
        "file_name",
        "quiz",
    ]
    readonly_fields = ["file_name", "quiz"]
    verbose_name = gettext_lazy("module")
    verbose_name_plural = gettext_lazy("Modules, in the order learners take them")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Module]:
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description=gettext_lazy("quiz"))
    def quiz(self, obj: Module) -> str:
        """A quiz module's questions are edited on their own page (saved modules only)."""
        url = quiz_link(obj)
        if not url:
            if obj.pk is None:
                return _("Choose Quiz and save to add its questions.")
            return "—"
        count = getattr(obj, "n_questions", 0)
        return format_html(
            '<a href="{}" class="quiz-edit">{}</a>',
            url,
            ngettext("Edit %(n)d question", "Edit %(n)d questions", count) % {"n": count}
            if count
            else _("Add its questions"),
        )


@admin.register(Course, site=tenant_admin_site)
class CourseAdmin(TenantModelAdmin):
    """Courses with their modules; partners see a course once it is published."""

    capabilities = {
        "view": "training.view",
        "add": "training.manage",
        "change": "training.manage",
        "delete": "training.manage",
    }
    form = CourseForm
    inlines = [ModuleInline]
    list_display = [
        "title",
        "version",
        "module_count",
        "learners",
        "completions",
        "changed",
        "state",
    ]
    key_columns = ("state",)
    search_fields = ["title", "summary"]
    list_filter = ["status"]
    fields = ["title", "summary", "estimated_minutes", "cover", "segments"]
    change_form_template = "admin/training/course/change_form.html"
    change_list_template = "admin/training/course/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        enrolments = Enrolment.objects.filter(course_id=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("current_version")
            .annotate(
                n_modules=Coalesce(_count(Module.objects.filter(course_id=OuterRef("pk"))), 0),
                n_learners=Coalesce(_count(enrolments), 0),
                n_completed=Coalesce(_count(enrolments.filter(completed_at__isnull=False)), 0),
            )
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj: Course) -> str:
        if obj.status == Course.Status.DRAFT:
            return badge("status-draft", _("Draft"), _("Partners do not see it yet."))
        if obj.has_changes:
            return badge("warning", _("Changes not published"), _("Publish to show them."))
        return badge("status-approved", _("Published"))

    @admin.display(description=gettext_lazy("version"))
    def version(self, obj: Course) -> Any:
        return obj.current_version.number if obj.current_version else None

    @admin.display(description=gettext_lazy("modules"), ordering="n_modules")
    def module_count(self, obj: Course) -> int:
        return obj.n_modules  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("learners"), ordering="n_learners")
    def learners(self, obj: Course) -> int:
        return obj.n_learners  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("completed"), ordering="n_completed")
    def completions(self, obj: Course) -> int:
        return obj.n_completed  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("changed"), ordering="updated_at")
    def changed(self, obj: Course) -> Any:
        return time_tag(obj.updated_at, short=True)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # The course's quizzes, each linked to its editor above the modules: read from the
        # module inline's rows (already fetched, with their question counts), no query more.
        quizzes = [
            form.instance
            for inline in context.get("inline_admin_formsets", [])
            for form in inline.formset.initial_forms
            if isinstance(form.instance, Module) and form.instance.kind == ModuleKind.QUIZ
        ]
        context["quiz_modules"] = [(m, quiz_link(m)) for m in quizzes]
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # the link to the training settings, for those who may change them
        extra = {"can_manage_training": membership_of(request).can("training.manage")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        obj.has_changes = True
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseFormSet, change: bool
    ) -> None:
        # Each module through the service: text cleaned, the course marked as changed.
        actor = membership_of(request)
        for module in formset.save(commit=False):  # type: ignore[attr-defined]
            module_save(actor=actor, module=module)
        for gone in formset.deleted_objects:  # type: ignore[attr-defined]
            gone.delete()  # its file stays while a published version uses it
        if formset.deleted_objects:  # type: ignore[attr-defined]
            Course.objects.filter(pk=form.instance.pk).update(has_changes=True)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/publish/", wrap(self.publish_view), name="training_course_publish"
            ),
            path(
                "<path:object_id>/preview/", wrap(self.preview_view), name="training_course_preview"
            ),
            path(
                "<path:object_id>/quiz/<int:module_id>/",
                wrap(self.quiz_view),
                name="training_course_quiz",
            ),
            *super().get_urls(),
        ]

    def _course(self, request: HttpRequest, object_id: str) -> Course:
        course = self.get_object(request, object_id)
        if course is None:
            raise Http404
        return course

    def quiz_view(self, request: HttpRequest, object_id: str, module_id: int) -> HttpResponse:
        """The quiz editor of one of the course's quiz modules (`training.quizzes.admin`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return quiz_editor(self, request, self._course(request, object_id), module_id)

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then publish the draft as the next version."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        course = self._course(request, object_id)
        modules = draft_modules(course)

        def publish(form: ConfirmForm) -> Done:
            version = course_publish(actor=membership_of(request), course=course)
            return Done(
                _("%(course)s: version %(n)d is published. Partners start it from now on.")
                % {"course": course, "n": version.number},
                "admin:training_course_change",
                (course.pk,),
                level=messages.SUCCESS,
            )

        return form_page(
            request,
            form_class=ConfirmForm,
            on_valid=publish,
            admin_site=self.admin_site,
            template="admin/training/course/publish.html",
            title=_("Publish %s") % course,
            obj=course,
            context={
                "modules": modules,
                "problems": [p for p in map(module_problem, modules) if p],
                "cancel_url": reverse("admin:training_course_change", args=[course.pk]),
            },
        )

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The draft as partners will see it once published: every module, in order; and, as a
        partner of the segment chosen (`?segment=`), whether they are offered the course and
        where it sits in the paths they follow."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        course = self._course(request, object_id)
        query = PreviewQuery(
            request.GET, segments=list(Segment.objects.filter(tenant_id=course.tenant_id))
        )
        segment = query.chosen()
        course_segments = list(course.segments.all())
        modules = []
        for module in draft_modules(course):
            embed = ""
            if module.kind == ModuleKind.VIDEO:
                try:
                    embed = video_embed(module.video_url)
                except ValidationError:  # shown as the module's problem instead
                    embed = ""
            modules.append(
                {
                    "module": module,
                    "body_html": clean_html(module.body_html)
                    if module.kind == ModuleKind.TEXT
                    else "",
                    "embed_url": embed,
                    "problem": module_problem(module),
                    "quiz": quiz_preview(module) if module.kind == ModuleKind.QUIZ else None,
                    "quiz_url": quiz_link(module),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %s") % course,
            "opts": self.model._meta,
            "original": course,
            "course": course,
            "modules": modules,
            "segments": course_segments,
            "query": query,
            "segment": segment,
            "offered": segment is None
            or not course_segments
            or segment.pk in {s.pk for s in course_segments},
            "places": path_places(course, segment),
        }
        return render(request, "admin/training/course/preview.html", context)
