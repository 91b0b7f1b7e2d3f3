"""The portal's Learning pages, mounted at /learning/ (namespace `training`).

Every page finds its course through `courses_for_learner` (published, targeting the member's
company) and its module among the member's own version's: a course for another segment,
another tenant's or a missing one answers 404 alike, and so do its files.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest
from prm.uploads.private import private_file_response

from .content import clean_html, video_embed
from .models import Course, Enrolment, ModuleKind, VersionModule
from .next import resume_module
from .paths.selectors import course_lock, held_certifications, locks_for, path_rows
from .quizzes.selectors import quiz_card
from .selectors import (
    completed_module_ids,
    courses_for_learner,
    enrolment_for,
    learning_rows,
    progress_rows,
    version_modules,
)
from .services import course_start, module_complete


def _course_of(request: TenantRequest, pk: int) -> Course:
    return get_object_or_404(courses_for_learner(request.membership), pk=pk)


def _enrolled(request: TenantRequest, pk: int) -> tuple[Course, Enrolment | None]:
    course = _course_of(request, pk)
    return course, enrolment_for(request.membership, course)


def _module_of(course: Course, enrolment: Enrolment | None, module_id: int) -> VersionModule:
    """A module of the version the member takes (or, before they start, of the current one)."""
    version_id = enrolment.version_id if enrolment else course.current_version_id
    return get_object_or_404(
        VersionModule.objects.filter(tenant_id=course.tenant_id, version_id=version_id),
        pk=module_id,
    )


@requires("portal.training")
def learning(request: TenantRequest) -> HttpResponse:
    """Courses in progress (with Resume), the catalogue of what targets the member's company,
    and what they completed."""
    rows = learning_rows(request.membership)
    paths = path_rows(request.membership, rows)
    held = held_certifications(request.membership)
    return render(
        request,
        "training/learning.html",
        {
            "in_progress": [r for r in rows if r.in_progress],
            "available": [r for r in rows if r.enrolment is None],
            "completed": [r for r in rows if r.completed],
            "any_courses": bool(rows) or bool(held),
            # learning paths and certifications (training.paths)
            "paths": paths,
            "locks": locks_for(paths),
            "held": held,
        },
    )


@requires("portal.training")
def course(request: TenantRequest, pk: int) -> HttpResponse:
    """A course's page: its summary and modules, with Start or Resume."""
    course, enrolment = _enrolled(request, pk)
    row = progress_rows([course], {course.pk: enrolment} if enrolment else {})[0]
    modules = version_modules(row.version)
    done = completed_module_ids(enrolment)
    resume = resume_module(modules, done, enrolment.last_module_id if enrolment else None)
    lock = None if enrolment else course_lock(request.membership, course)
    return render(
        request,
        "training/course.html",
        {
            "row": row,
            "course": course,
            "modules": modules,
            "done": done,
            "resume": resume,
            "lock": lock,
        },
    )


@require_POST
@requires("portal.training")
def start(request: TenantRequest, pk: int) -> HttpResponse:
    course = _course_of(request, pk)
    try:
        enrolment = course_start(actor=request.membership, course=course)
    except ValidationError as exc:  # locked by a learning path: the course page says why
        messages.error(request, " ".join(exc.messages))
        return redirect("training:course", course.pk)
    modules = version_modules(enrolment.version)
    done = completed_module_ids(enrolment)
    target = resume_module(modules, done, enrolment.last_module_id)
    if target is None:
        return redirect("training:course", course.pk)
    return redirect("training:module", course.pk, target.pk)


@requires("portal.training")
def module(request: TenantRequest, pk: int, module_id: int) -> HttpResponse:
    """The course player: the module, the course's modules beside it, Mark complete and Next."""
    course, enrolment = _enrolled(request, pk)
    current = _module_of(course, enrolment, module_id)
    if enrolment is None:
        messages.info(request, _("Start the course to open its modules."))
        return redirect("training:course", course.pk)
    modules = version_modules(enrolment.version)
    done = completed_module_ids(enrolment)
    index = next(i for i, m in enumerate(modules) if m.pk == current.pk)
    row = progress_rows([course], {course.pk: enrolment})[0]
    context = {
        "row": row,
        "course": course,
        "enrolment": enrolment,
        "modules": modules,
        "module": current,
        "position": index + 1,
        "previous": modules[index - 1] if index > 0 else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "done": done,
        "is_done": current.pk in done,
        "body_html": clean_html(current.body_html) if current.kind == ModuleKind.TEXT else "",
        "embed_url": _embed(current),
        "quiz": quiz_card(enrolment, current) if current.kind == ModuleKind.QUIZ else None,
    }
    return render(request, "training/module.html", context)


def _embed(module: VersionModule) -> str:
    if module.kind != ModuleKind.VIDEO:
        return ""
    try:
        return video_embed(module.video_url)
    except ValidationError:  # a link published before the rule changed: a notice instead
        return ""


@require_POST
@requires("portal.training")
def complete(request: TenantRequest, pk: int, module_id: int) -> HttpResponse:
    """Mark a module done and go on to the next one (or back to the course when it is done)."""
    course, enrolment = _enrolled(request, pk)
    current = _module_of(course, enrolment, module_id)
    if enrolment is None:
        messages.info(request, _("Start the course to open its modules."))
        return redirect("training:course", course.pk)
    if current.kind == ModuleKind.QUIZ:  # completed by passing it, never by a click
        return redirect("training:quiz", course.pk, current.pk)
    was_completed = enrolment.completed_at is not None
    try:
        enrolment = module_complete(actor=request.membership, enrolment=enrolment, module=current)
    except PermissionDenied as exc:  # not reachable through `_enrolled`: the member's own
        raise Http404 from exc
    if enrolment.completed_at is not None and not was_completed:
        messages.success(
            request, _("You completed %(course)s. Well done!") % {"course": enrolment.version.title}
        )
        return redirect("training:course", course.pk)
    modules = version_modules(enrolment.version)
    index = next(i for i, m in enumerate(modules) if m.pk == current.pk)
    if index + 1 < len(modules):
        return redirect("training:module", course.pk, modules[index + 1].pk)
    return redirect("training:course", course.pk)


@requires("portal.training")
def module_file(request: TenantRequest, pk: int, module_id: int) -> HttpResponseBase:
    """A file module's file, to the members the course targets: of the version they take, or
    before they start, of the current one."""
    course, enrolment = _enrolled(request, pk)
    current = _module_of(course, enrolment, module_id)
    if current.kind != ModuleKind.FILE or not current.file:
        raise Http404
    return private_file_response(
        current.file, name=current.file_name, content_type=current.content_type
    )


@requires("portal.training")
def cover(request: TenantRequest, pk: int) -> HttpResponseBase:
    """A course's cover image, to the members the course targets."""
    course = _course_of(request, pk)
    if not course.cover:
        raise Http404
    try:
        stored = course.cover.open("rb")
    except FileNotFoundError as exc:  # the storage lost it: as if there were none
        raise Http404 from exc
    response = FileResponse(stored, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response
