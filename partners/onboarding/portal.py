"""The partner's onboarding in the portal: a "My program" section and a home card."""

from django.utils.translation import gettext_lazy as _

from prm.portal.home import Card
from prm.tenancy.models import Membership

from ..models import Partner, PartnerOnboarding
from ..sections import Section
from .progress import progress_of, with_progress
from .services import onboarding_of


def onboarding_section(partner: Partner, membership: Membership) -> Section | None:
    """The checklist with progress; an empty state while onboarding without a plan; nothing
    for partners past onboarding that never had one."""
    onboarding = onboarding_of(partner)
    if onboarding is None and partner.status != Partner.Status.ONBOARDING:
        return None
    return Section(
        key="onboarding",
        title=_("Onboarding"),
        icon="list-check",
        template="partners/sections/onboarding.html",
        context={"progress": progress_of(onboarding) if onboarding is not None else None},
    )


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
