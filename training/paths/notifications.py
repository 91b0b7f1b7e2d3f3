"""Who is told what when paths and certifications change (default rules, editable per tenant)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from partners.segments.selectors import segment_q
from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from ..models import Enrolment, LearningPath
from . import events


def _holder(event: Event) -> Iterable[Membership]:
    member_id = event.data.get("membership_id")
    if not member_id:
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=member_id).select_related("user")


def _path_learners(event: Event) -> Iterable[Membership]:
    """The partner users the path targets who may take training and have not passed the
    course (a path for every partner: every partner user)."""
    path_id, course_id = event.data.get("path_id"), event.data.get("course_id")
    if not path_id or not course_id:
        return []
    path = LearningPath.objects.filter(tenant=event.tenant, pk=path_id).first()
    if path is None:
        return []
    segments = list(path.segments.prefetch_related("partner_types"))
    partners = Partner.objects.filter(tenant=event.tenant)
    if segments:
        rule = segment_q(segments[0])
        for segment in segments[1:]:
            rule |= segment_q(segment)
        partners = partners.filter(rule)
    passed = Enrolment.objects.filter(
        tenant=event.tenant, course_id=course_id, completed_at__isnull=False
    ).values("membership_id")
    members = (
        Membership.objects.filter(tenant=event.tenant, partner__in=partners, is_active=True)
        .exclude(pk__in=passed)
        .select_related("user", "tenant")
    )
    return [m for m in members if m.can("portal.training")]


register_recipients("certification_holder", _holder)
register_recipients("path_learners", _path_learners)


def _certifications(event: Event, recipient: Membership) -> str:
    return reverse("training:learning") + "#certifications"


def _path_page(event: Event, recipient: Membership) -> str:
    return reverse("training_paths:path", args=[event.data["path_id"]])


register_rule(
    Rule(
        key="training.certification.earned.holder",
        event=events.CERTIFICATION_EARNED.name,
        description=_("Tell the learner they earned a certification."),
        recipients=("certification_holder",),
        title=_("You are certified: {certification}"),
        body=_(
            "Congratulations! You earned {certification}. Download your certificate and share "
            "its verification link from Learning in the {portal} portal. Valid until: {expires}."
        ),
        category="training",
        link=_certifications,
        include_actor=True,
    )
)
register_rule(
    Rule(
        key="training.certification.expiring.holder",
        event=events.CERTIFICATION_EXPIRING.name,
        description=_("Remind the holder 30 and 7 days before a certification expires."),
        recipients=("certification_holder",),
        title=_("{certification} expires in {days}"),
        body=_(
            "Your {certification} certification expires on {expires}. Once it has expired, "
            "pass it again in the {portal} portal to renew it."
        ),
        category="training",
        link=_certifications,
    )
)
register_rule(
    Rule(
        key="training.certification.expiring.partner_admins",
        event=events.CERTIFICATION_EXPIRING.name,
        description=_(
            "Tell the partner's admins when one of their users' certifications expires soon."
        ),
        recipients=("partner_admins",),
        title=_("{learner}'s {certification} expires in {days}"),
        body=_(
            "{learner}'s {certification} certification expires on {expires}; it stops counting "
            "towards {partner}'s program requirements once it has expired."
        ),
        category="training",
        email=False,
    )
)
register_rule(
    Rule(
        key="training.certification.revoked.holder",
        event=events.CERTIFICATION_REVOKED.name,
        description=_("Tell the holder a certification was revoked, and why."),
        recipients=("certification_holder",),
        title=_("{certification} was revoked"),
        body=_("{vendor} revoked your {certification} certification."),
        category="training",
        link=_certifications,
        message="reason",
    )
)
register_rule(
    Rule(
        key="training.path.course_required.learners",
        event=events.PATH_COURSE_REQUIRED.name,
        description=_("Tell a path's learners about a required course they have not passed."),
        recipients=("path_learners",),
        title=_("New required course in {path}: {course}"),
        body=_("{course} is now required in your learning path {path}. Find it in Learning."),
        category="training",
        link=_path_page,
    )
)
