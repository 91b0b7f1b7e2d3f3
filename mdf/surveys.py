"""The PSAT survey MDF offers: once a claim is paid, the partner user who filed it is asked
(registered from apps.py; partners' survey registry, `partners.surveys.triggers`)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from partners.surveys.triggers import SurveyTrigger, register
from prm.notifications.events import Event
from prm.tenancy.models import Membership

from . import events
from .models import Claim


def claim_owner(event: Event) -> Iterable[Membership]:
    """The partner user who filed the paid claim."""
    if not isinstance(event.subject, Claim):
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=event.subject.owner_id)


def register_survey_trigger() -> None:
    register(
        SurveyTrigger(
            name="mdf.claim_paid",
            label=_("After an MDF claim is paid"),
            event=events.CLAIM_PAID.name,
            members=claim_owner,
        )
    )
