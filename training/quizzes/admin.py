"""The quiz pieces of the vendor admin UI: the quiz editor reached from a quiz module of the
course builder (`CourseAdmin` mounts `quiz_editor` at `<course>/quiz/<module>/`), the quiz as
the course preview shows it, and the tenant's training settings page."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.forms import errors_to_form
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import Course, Module, ModuleKind, TrainingSettings
from ..setup import training_settings
from .editing import QuestionFormSet, QuizRulesForm, drafts_of, initial_questions, quiz_save
from .publishing import draft_questions, quiz_problems


def quiz_editor(
    model_admin: Any, request: HttpRequest, course: Course, module_id: int
) -> HttpResponse:
    """The quiz editor: the rules and the questions of one draft quiz module, saved together."""
    module = get_object_or_404(
        Module.objects.filter(tenant_id=course.tenant_id, course=course, kind=ModuleKind.QUIZ),
        pk=module_id,
    )
    can_edit = model_admin.has_change_permission(request, course)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        rules = QuizRulesForm(request.POST, instance=module, prefix="rules")
        questions = QuestionFormSet(request.POST, prefix="questions")
        if rules.is_valid() and questions.is_valid():
            values = rules.rules()
            try:
                quiz_save(
                    actor=membership_of(request),
                    module=module,
                    rules=values,
                    questions=drafts_of(questions),
                )
            except ValidationError as exc:
                errors_to_form(rules, exc)
            else:
                messages.success(
                    request,
                    _("“%(quiz)s” is saved. Publish the course to give learners the change.")
                    % {"quiz": module.title},
                )
                return redirect("admin:training_course_quiz", course.pk, module.pk)
    else:
        rules = QuizRulesForm(instance=module, prefix="rules")
        questions = QuestionFormSet(initial=initial_questions(module), prefix="questions")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Quiz: %s") % module.title,
        "opts": Course._meta,
        "original": course,
        "course": course,
        "module": module,
        "rules": rules,
        "questions": questions,
        "can_edit": can_edit,
        "problems": quiz_problems(module) if request.method == "GET" else [],
        "cancel_url": reverse("admin:training_course_change", args=[course.pk]),
    }
    return render(request, "admin/training/quiz/editor.html", context)


def quiz_preview(module: Module) -> dict[str, Any]:
    """A draft quiz as learners will see it (in the author's order; learners get it shuffled
    if the quiz says so): questions and choices, nothing marked right."""
    questions = draft_questions(module)
    return {
        "questions": [
            {"question": q, "choices": list(q.choices.all()), "multiple": q.kind == "multiple"}
            for q in questions
        ],
        "drawn": min(module.draw_count, len(questions)) if module.draw_count else len(questions),
    }


def quiz_link(module: Module) -> str:
    """The course builder's link from a quiz module to its editor."""
    if module.pk is None or module.kind != ModuleKind.QUIZ:
        return ""
    return reverse("admin:training_course_quiz", args=[module.course_id, module.pk])


@admin.register(TrainingSettings, site=tenant_admin_site)
class TrainingSettingsAdmin(TenantModelAdmin):
    """One page per tenant (the list opens it): how quizzes reveal answers, when learners are
    reminded of a course they left."""

    capabilities = {"view": "training.manage", "change": "training.manage"}
    fieldsets = [
        (gettext_lazy("Quizzes"), {"fields": ["reveal_answers"]}),
        (gettext_lazy("Reminders"), {"fields": ["untouched_days"]}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = training_settings(tenant_of(request))
        return redirect("admin:training_trainingsettings_change", found.pk)

    def response_change(self, request: HttpRequest, obj: TrainingSettings) -> HttpResponse:
        self.message_user(
            request, _("The training settings are saved: they apply to every quiz from now on.")
        )
        return redirect("admin:training_trainingsettings_change", obj.pk)
