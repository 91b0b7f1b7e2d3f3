"""Who is told when a survey is asked: the member asked, in the portal and by email. The link
is the signed one (`tokens`), so the email answers without signing in; in the portal it opens
the same form."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from .. import events
from ..models import SurveyRequest
from .tokens import survey_token


def _asked_member(event: Event) -> Iterable[Membership]:
    if not isinstance(event.subject, SurveyRequest):
        return []
    return Membership.objects.filter(
        tenant=event.tenant, pk=event.subject.membership_id
    ).select_related("user")


def _answer_link(event: Event, recipient: Membership) -> str:
    assert isinstance(event.subject, SurveyRequest)
    return reverse("surveys:answer_link", args=[survey_token(event.subject)])


register_recipients("asked_member", _asked_member)

register_rule(
    Rule(
        key="partners.survey.requested.ask_member",
        event=events.SURVEY_REQUESTED.name,
        description=_("Ask a partner user a PSAT survey, with a link that answers it."),
        recipients=("asked_member",),
        title=_("How are we doing? {vendor} asks for two minutes of your time"),
        body=_(
            "{survey}: one question from 0 to 10, and a few optional ones. The link answers "
            "it without signing in."
        ),
        # the program's own category: a member who wants the program's news by email gets these
        category="program",
        link=_answer_link,
    )
)
