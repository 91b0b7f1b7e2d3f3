"""Who the partners app's own survey triggers ask, and its registrations (from apps.py)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from ..selectors import event_partner_id
from . import triggers


def partner_admins(event: Event) -> Iterable[Membership]:
    """The active admins of the partner an event is about (its subject, or the subject's
    `.partner`: a QBR)."""
    partner_id = event_partner_id(event)
    if partner_id is None:
        partner = getattr(event.subject, "partner", None)
        partner_id = getattr(partner, "pk", None)
    if partner_id is None:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True
    ).select_related("user")


def register_partner_triggers() -> None:
    triggers.register(
        triggers.SurveyTrigger(
            name="partners.onboarding_completed",
            label=_("Onboarding completed"),
            event="partners.onboarding.completed",
            members=partner_admins,
        )
    )
    triggers.register(
        triggers.SurveyTrigger(
            name=triggers.QUARTERLY,
            label=_("Quarterly relationship survey (every active partner user)"),
        )
    )
