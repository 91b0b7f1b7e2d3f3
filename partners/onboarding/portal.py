"""The partner's onboarding in the portal: a "My program" section and a home card."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from prm.portal.home import Card
from prm.tenancy.models import Membership

from ..models import OnboardingStep, Partner, PartnerOnboarding
from ..sections import Section
from . import triggers
from .progress import progress_of, with_progress
from .services import onboarding_of


def onboarding_section(partner: Partner, membership: Membership) -> Section | None:
    """The checklist with progress; an empty state while onboarding without a plan; nothing
    for partners past onboarding that never had one."""
    onboarding = onboarding_of(partner)
    if onboarding is None and partner.status != Partner.Status.ONBOARDING:
        return None
    progress = progress_of(onboarding) if onboarding is not None else None
    return Section(
        key="onboarding",
        title=_("Onboarding"),
        icon="list-check",
        template="partners/sections/onboarding.html",
        context={
            "progress": progress,
            "rows": [(st, step_hint(st.step, membership)) for st in progress.steps]
            if progress
            else [],
        },
    )


@dataclass(frozen=True)
class StepHint:
    """How a step of the checklist gets done, as the partner reads it."""

    #: "self": it ticks itself when the partner does it; "cam": their channel manager ticks it
    ticked_by: str
    #: (url, label) of the portal page where the member does it, when there is one
    link: tuple[str, str] | None = None


def step_hint(step: OnboardingStep, membership: Membership) -> StepHint:
    """Who ticks the step and where the partner does it. A step waiting for an event no app
    emits yet (a course, before the training app) points nowhere: the CAM ticks it by hand."""
    if step.is_manual or not triggers.is_live(step.event):
        return StepHint("cam")
    offered = triggers.offered(step.event)
    link = offered.link if offered is not None else None
    if link is None or not membership.can(link.capability):
        return StepHint("self")
    try:
        url = reverse(link.url_name)
    except NoReverseMatch:  # the page's app is not installed: no link to nowhere
        return StepHint("self")
    return StepHint("self", (url, str(link.label)))


def onboarding_card(partner: Partner) -> Card | None:
    """Shown while the partner's onboarding is in progress (one query once it started)."""
    onboarding = _in_progress(partner)
    if onboarding is None and partner.status == Partner.Status.ONBOARDING:
        onboarding_of(partner)  # starts it when a plan applies
        onboarding = _in_progress(partner)
    if onboarding is None:
        return None
    return Card(template="partners/onboarding_card.html", context={"onboarding": onboarding})


def _in_progress(partner: Partner) -> PartnerOnboarding | None:
    return with_progress(
        PartnerOnboarding.objects.filter(partner=partner, completed_at__isnull=True)
    ).first()
