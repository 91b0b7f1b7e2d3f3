"""The PSAT survey deal registration offers: after a deal decision, its owner is asked
(registered from apps.py; partners' survey registry, `partners.surveys.triggers`)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from partners.surveys.triggers import SurveyTrigger, register
from prm.notifications.events import Event
from prm.tenancy.models import Membership

from . import events
from .models import Deal


def deal_owner(event: Event) -> Iterable[Membership]:
    """The partner user who registered the decided deal."""
    if not isinstance(event.subject, Deal):
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=event.subject.owner_id)


def register_survey_trigger() -> None:
    register(
        SurveyTrigger(
            name="deals.decision",
            label=_("After a deal decision (approved or rejected)"),
            event=(events.DEAL_APPROVED.name, events.DEAL_REJECTED.name),
            members=deal_owner,
        )
    )
