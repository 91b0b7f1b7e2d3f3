"""Where a learner goes next: the one answer the result page, the "great job" notification and
the course-passed notification share.

`next_step(enrolment)` is the first module of the learner's version not completed yet, looking
after the one they finished last (so after passing a quiz it is the module that follows it);
once every module is done, the next course of a learning path containing this one (the first
not passed and not locked, `training.paths.selectors.next_course`); else the Learning page.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Enrolment, VersionModule
from .paths.selectors import next_course
from .selectors import completed_module_ids, version_modules


@dataclass(frozen=True)
class NextStep:
    title: str
    url: str


def resume_module(
    modules: list[VersionModule], done: set[int], last_id: int | None
) -> VersionModule | None:
    """Where "Resume" opens: the first module not done after the last one worked on, else the
    first not done at all, else the last module."""
    if not modules:
        return None
    ids = [m.pk for m in modules]
    start = ids.index(last_id) + 1 if last_id in ids else 0
    for module in modules[start:] + modules[:start]:
        if module.pk not in done:
            return module
    return modules[-1]


def learning_step() -> NextStep:
    return NextStep(
        title=_("your next course from the Learning page"), url=reverse("training:learning")
    )


def next_step(enrolment: Enrolment) -> NextStep | None:
    """The next item for the learner of `enrolment`: the next module not done (two queries),
    else (the course is done) the next course of their path, else the Learning page. None only
    for a version without modules."""
    modules = version_modules(enrolment.version)
    if not modules:
        return None
    done = completed_module_ids(enrolment)
    if all(m.pk in done for m in modules):
        following = next_course(enrolment.membership, enrolment.course)
        if following is None:
            return learning_step()
        return NextStep(title=following.title, url=reverse("training:course", args=[following.pk]))
    module = resume_module(modules, done, enrolment.last_module_id)
    assert module is not None  # modules is not empty
    return NextStep(
        title=module.title,
        url=reverse("training:module", args=[enrolment.course_id, module.pk]),
    )
