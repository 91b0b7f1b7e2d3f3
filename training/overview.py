"""The partner page's "Training" section (`prm.workspace.partner_page`): each of the partner's
users with the courses they are taking (how far) and have passed, for the CAM to see at a
glance who is learning and who has not started.

Other parts of training add what they know about each learner (certifications with their
expiry) through `register_learner_facts`: a provider gets the partner, the member looking and
the learners shown, and returns a few short lines per learner, in a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners
from prm.workspace.partner_page import PartnerSection

from .models import Enrolment
from .paths.selectors import partner_certifications
from .reports.selectors import learner_roles
from .selectors import partner_enrolments

#: learners listed by name (the rest are counted, and in the completion report)
SHOWN = 10

#: (partner, member looking, learners shown) -> {learner membership id: lines to show}
LearnerFacts = Callable[[Partner, Membership, list[Membership]], dict[int, list[str]]]
_FACTS: list[LearnerFacts] = []


def register_learner_facts(provider: LearnerFacts) -> None:
    """Add lines under each learner of the Training section (certifications, for instance)."""
    if provider not in _FACTS:
        _FACTS.append(provider)


@dataclass
class Learner:
    member: Membership
    going: list[Enrolment] = field(default_factory=list)
    passed: list[Enrolment] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


def training_section(partner: Partner, membership: Membership) -> PartnerSection:
    """The partner's learners with their courses in progress and passed, and their
    certifications with expiry (4 queries, and one per learner-facts provider)."""
    enrolments = partner_enrolments(partner, membership)
    counts = enrolments.order_by().aggregate(
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        going=Count("id", filter=Q(completed_at__isnull=True)),
        learners=Count("membership", distinct=True),
    )
    # Active learners by name; the partner is the member's to see (checked as a subquery).
    all_learners = list(
        Membership.objects.filter(
            tenant_id=partner.tenant_id,
            partner=partner,
            partner__in=visible_partners(membership),
            is_active=True,
            role__in=learner_roles(),
        )
        .select_related("user")
        .order_by("user__full_name", "user__email", "id")[: SHOWN + 1]
    )
    shown = all_learners[:SHOWN]
    learners = {m.pk: Learner(member=m) for m in shown}
    for enrolment in enrolments.filter(membership__in=list(learners)):
        learner = learners[enrolment.membership_id]
        (learner.going if enrolment.completed_at is None else learner.passed).append(enrolment)
    for provider in _FACTS:
        for member_id, lines in provider(partner, membership, shown).items():
            if member_id in learners:
                learners[member_id].facts.extend(lines)
    return PartnerSection(
        key="training",
        title=gettext_lazy("Training"),
        template="admin/training/overview/training.html",
        column="side",
        context={
            "counts": counts,
            "learners": list(learners.values()),
            "more": len(all_learners) > SHOWN,
            "certifications": partner_certifications(partner, membership, SHOWN),
        },
        links=[
            (
                gettext_lazy("This partner in the completion report"),
                reverse("admin:training_report") + f"?partner={partner.pk}",
            )
        ],
    )
