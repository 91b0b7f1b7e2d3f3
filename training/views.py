"""The portal's Learning pages, mounted at /learning/ (namespace `training`).

Every page finds its course through `courses_for_learner` (published, targeting the member's
company) and its module among the member's own version's: a course for another segment,
another tenant's or a missing one answers 404 alike, and so do its files.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import TenantRequest
from prm.uploads.private import private_file_response

from .catalogue import CatalogueFilterForm
from .content import clean_html, video_embed
from .models import Course, Enrolment, ModuleKind, VersionModule
from .next import resume_module
from .paths.selectors import (
    PathRow,
    course_lock,
    held_certifications,
    locks_for,
    path_rows,
)
from .quizzes.selectors import quiz_card
from .selectors import (
    CourseRow,
    Progress,
    catalogue_courses,
    completed_enrolments,
    completed_module_ids,
    courses_for_learner,
    enrolment_for,
    enrolment_rows,
    in_progress_enrolments,
    learner_counts,
    matching,
    newest_not_started,
    path_course_rows,
    progress_rows,
    rows_of,
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


#: the courses in progress the Learning page shows before "See all" (usually all of them)
IN_PROGRESS_SHOWN = 12
#: courses recommended on the Learning page, and the completed ones it recalls
RECOMMENDED_SHOWN = 6
COMPLETED_SHOWN = 3
#: paths shown as cards on the Learning page (the others as a list of links)
PATH_CARDS = 4
#: courses on a page of the catalogue
CATALOGUE_PAGE_SIZE = 24


def _path_order(paths: list[PathRow]) -> list[PathRow]:
    """Paths under way first (most done first), then those not started, then completed."""

    def rank(row: PathRow) -> tuple[int, int]:
        if row.completed:
            return (2, 0)
        started = row.required_passed > 0 or any(s.row.enrolment for s in row.steps)
        return (0, -row.percent) if started else (1, 0)

    return sorted(paths, key=rank)


def _paths(
    membership: Membership, offered: QuerySet[Course]
) -> tuple[list[PathRow], dict[int, Course]]:
    """The member's paths and the locks they put on courses, from the rows of the courses in
    those paths only."""
    rows = path_course_rows(membership, offered)
    paths = path_rows(membership, rows)
    return paths, locks_for(paths)


def _recommended(
    membership: Membership,
    offered: QuerySet[Course],
    paths: list[PathRow],
    locks: dict[int, Course],
) -> list[CourseRow]:
    """At most `RECOMMENDED_SHOWN` courses the member has not started and may start: the next
    course of each of their paths, then their paths' other required courses, then the most
    recently published."""
    chosen: dict[int, CourseRow] = {}
    for path in paths:
        step = path.next_step
        if step is not None and step.row.enrolment is None:
            chosen.setdefault(step.course.pk, step.row)
    for path in paths:
        for step in path.steps:
            if step.step.required and step.row.enrolment is None and step.course.pk not in locks:
                chosen.setdefault(step.course.pk, step.row)
    # Always asked (one LIMITed query), so the page costs the same however many paths fill it.
    newest = newest_not_started(
        membership, offered, leave_out=set(chosen) | set(locks), limit=RECOMMENDED_SHOWN
    )
    return [*chosen.values(), *newest][:RECOMMENDED_SHOWN]


@require_safe
@requires("portal.training")
def learning(request: TenantRequest) -> HttpResponse:
    """The learner's desk: their paths, the courses in progress (with Resume), their
    certifications, a few courses recommended to them and the last ones completed; the whole
    catalogue is a page of its own (a fixed number of queries, a card per course shown)."""
    membership = request.membership
    offered = courses_for_learner(membership)
    counts = learner_counts(membership, offered)
    in_progress = (
        enrolment_rows(in_progress_enrolments(membership, offered)[:IN_PROGRESS_SHOWN])
        if counts.in_progress
        else []
    )
    completed = (
        enrolment_rows(completed_enrolments(membership, offered)[:COMPLETED_SHOWN])
        if counts.completed
        else []
    )
    paths, locks = _paths(membership, offered) if counts.offered else ([], {})
    recommended = _recommended(membership, offered, paths, locks) if counts.not_started else []
    held = held_certifications(membership)
    ordered = _path_order(paths)
    return render(
        request,
        "training/learning.html",
        {
            "counts": counts,
            "in_progress": in_progress,
            "more_in_progress": counts.in_progress > len(in_progress),
            "recommended": recommended,
            "completed": completed,
            "any_courses": bool(counts.offered) or bool(held),
            # learning paths and certifications (training.paths): the paths under way first,
            # as cards; the rest as a short list (a program may offer dozens)
            "paths": paths,
            "path_cards": ordered[:PATH_CARDS],
            "more_paths": ordered[PATH_CARDS:],
            "locks": locks,
            "held": held,
        },
    )


@require_safe
@requires("portal.training")
def catalogue(request: TenantRequest) -> HttpResponse:
    """Every course offered to the member, by title, 24 a page: a search box (title and
    summary) and a status filter; each card with the member's progress or its lock."""
    membership = request.membership
    form = CatalogueFilterForm(request.GET)
    query = form.query()
    offered = courses_for_learner(membership)
    # the status tabs count what the search finds
    counts = learner_counts(membership, matching(offered, query.q))
    courses = catalogue_courses(membership, offered, q=query.q, progress=query.progress)
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = rows_of(membership, page.object_list) if counts.offered else []
    # Whether any course is offered at all (the empty state differs from "nothing matches");
    # asked only when a search found none.
    anything = bool(counts.offered) or (bool(query.q) and offered.exists())
    # Locks matter only to a course not started: no path read for a page without one.
    _paths_shown, locks = (
        _paths(membership, offered) if any(r.enrolment is None for r in rows) else ([], {})
    )
    statuses = [
        (value, label, counts.of(value), urlencode(query.params(status=value)))
        for value, label in [("", _("All")), *Progress.choices]
    ]
    return render(
        request,
        "training/catalogue.html",
        {
            "form": form,
            "query": query,
            "counts": counts,
            "anything": anything,
            "page": page,
            "rows": rows,
            "locks": locks,
            "statuses": statuses,
            "pager_query": urlencode(query.params()),
            "clear_query": urlencode(query.params(q="")),
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
