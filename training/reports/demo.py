"""Demo data for the completion report: partner users of several companies part-way through,
or done with, the tenant's published courses, so the report has figures per partner and tier.

It runs after the other training seeders (order 88) and uses whatever courses they published,
through the services, as if each step happened on its day. `rep@northwind.test` is left alone:
the portal's walkthrough starts from where `training.demo` left them.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant

from ..models import Course, Enrolment
from ..selectors import completed_module_ids, courses_for_learner, version_modules
from ..services import course_start, module_complete
from .selectors import learner_roles

#: the walkthrough's learner, whose progress `training.demo` sets
WALKTHROUGH = "rep@northwind.test"


def seed_completion(tenant: Tenant) -> None:
    """Once per tenant with published courses: every third learner passed the courses offered
    to them, the next is part-way, the next has not started."""
    if not Course.objects.filter(tenant=tenant, current_version__isnull=False).exists():
        return
    if (
        Enrolment.objects.filter(tenant=tenant)
        .exclude(membership__user__email=WALKTHROUGH)
        .exists()
    ):
        return
    learners = (
        Membership.objects.filter(
            tenant=tenant, is_active=True, partner__isnull=False, role__in=learner_roles()
        )
        .exclude(user__email=WALKTHROUGH)
        .select_related("partner", "user")
        .order_by("partner__name", "id")
    )
    now = timezone.now()
    for index, learner in enumerate(learners):
        if index % 3 == 2:
            continue  # has not started
        for offset, course in enumerate(courses_for_learner(learner).order_by("title")[:3]):
            began = now - timedelta(days=30 - index % 20 - offset, hours=index)
            with demo.played_at(began):
                try:
                    enrolment = course_start(actor=learner, course=course)
                except ValidationError:
                    continue  # locked by a learning path until its prerequisite is passed
            modules = version_modules(enrolment.version)
            # Part-way learners finish the first module only.
            todo = modules if index % 3 == 0 else modules[:1]
            for step, module in enumerate(todo, start=1):
                if module.pk in completed_module_ids(enrolment):
                    continue
                with demo.played_at(began + timedelta(days=step + index % 4, hours=1)):
                    try:
                        enrolment = module_complete(
                            actor=learner, enrolment=enrolment, module=module
                        )
                    except (ValidationError, PermissionDenied):
                        break  # a quiz to pass first: left part-way
