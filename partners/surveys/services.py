"""Asking and answering PSAT surveys (see the package docstring for the rules)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.metrics.periods import fiscal_quarter_of
from prm.notifications.events import Event, emit
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import PARTNER_ROLES

from .. import events
from ..models import Partner, Survey, SurveyAnswer, SurveyRequest
from ..models.surveys import MAX_SCORE
from ..selectors import partner_settings_for
from . import triggers
from .tokens import new_nonce

#: the quarterly relationship survey goes out on these first days of each fiscal quarter (a
#: member the fatigue rule spared on the first day may be asked on a later one)
QUARTERLY_DAYS = 7
#: what a typed answer may hold (the form says so beside the field)
ANSWER_MAX = 2000
COMMENT_MAX = 4000


def on_trigger_event(event: Event) -> None:
    """Subscribed to every trigger's events: ask the trigger's members each active survey
    sent on it (in the emitting transaction)."""
    for trigger in triggers.firing_on(event.name):
        surveys = list(
            Survey.objects.filter(tenant=event.tenant, trigger=trigger.name, is_active=True)
        )
        if not surveys:
            continue  # no survey uses it: do not even look for the members
        members = list(trigger.members(event))
        subject = getattr(event.subject, "pk", "")
        for survey in surveys:
            survey_ask(survey=survey, members=members, occasion=f"{event.name}:{subject}")


def survey_ask(
    *,
    survey: Survey,
    members: Iterable[Membership],
    occasion: str,
    now: datetime | None = None,
) -> list[SurveyRequest]:
    """Ask `members` the survey, each unless the fatigue rule spares them; the new requests.

    Only active partner users of the survey's tenant are asked, and nobody for an inactive
    survey. The fatigue rule: a member asked any survey within the tenant's
    `survey_interval_days` is not asked. It holds under concurrent triggers because each
    member's row is locked (in id order: no deadlock between two triggers) before the check, so
    a second trigger waits and then sees the first's request. An `occasion` already asked of a
    member (the same event twice, the quarterly job run twice) asks nothing more. Each request
    emits `partners.survey.requested`, whose rule notifies the member in the portal and by
    email with the signed link.
    """
    tenant_id = survey.tenant_id
    ids = sorted({m.pk for m in members if m.tenant_id == tenant_id})
    if not survey.is_active or not ids:
        return []
    now = now or timezone.now()
    tenant = survey.tenant
    interval = partner_settings_for(tenant).survey_interval_days
    created: list[SurveyRequest] = []
    with transaction.atomic():
        locked = list(
            Membership.objects.select_for_update(of=("self",))
            .filter(
                tenant_id=tenant_id,
                pk__in=ids,
                is_active=True,
                role__in=sorted(PARTNER_ROLES),
                partner__isnull=False,
            )
            .order_by("pk")
        )
        recent = set(
            SurveyRequest.objects.filter(
                tenant_id=tenant_id,
                membership__in=locked,
                asked_at__gt=now - timedelta(days=interval),
            ).values_list("membership_id", flat=True)
        )
        asked = set(
            SurveyRequest.objects.filter(
                tenant_id=tenant_id, survey=survey, membership__in=locked, occasion=occasion
            ).values_list("membership_id", flat=True)
        )
        for membership in locked:
            if membership.pk in recent or membership.pk in asked:
                continue
            row = SurveyRequest.objects.create(
                tenant_id=tenant_id,
                survey=survey,
                membership=membership,
                partner_id=membership.partner_id,  # type: ignore[misc]  # filtered not null
                occasion=occasion[:120],
                nonce=new_nonce(),
                asked_at=now,
            )
            created.append(row)
        for row in created:
            emit(
                events.SURVEY_REQUESTED.name,
                tenant=tenant,
                subject=row,
                data={"survey": survey.name, "partner_id": row.partner_id},
            )
    return created


def quarterly_ask(*, tenant: Tenant, today: date | None = None) -> int:
    """The quarterly relationship survey: on the first `QUARTERLY_DAYS` days of each fiscal
    quarter, ask every active user of every active partner each active quarterly survey, once
    per quarter (the occasion names the quarter) and within the fatigue rule. Idempotent: run
    it daily. How many were asked."""
    today = today or timezone.localdate()
    quarter = fiscal_quarter_of(today, tenant.fiscal_year_start)
    if (today - quarter.start).days >= QUARTERLY_DAYS:
        return 0
    surveys = list(Survey.objects.filter(tenant=tenant, trigger=triggers.QUARTERLY, is_active=True))
    if not surveys:
        return 0
    members = list(
        Membership.objects.filter(
            tenant=tenant,
            is_active=True,
            role__in=sorted(PARTNER_ROLES),
            partner__status=Partner.Status.ACTIVE,
        )
    )
    return sum(
        len(survey_ask(survey=s, members=members, occasion=f"quarter:{quarter.start.isoformat()}"))
        for s in surveys
    )


@dataclass
class Answer:
    """What a partner user typed: the score (0-10) and the extra answers by number (1-3)."""

    score: int | None
    answers: dict[int, str] = field(default_factory=dict)
    comment: str = ""


class AlreadyAnswered(Exception):
    """The request was answered before (another tab, an earlier click of the link)."""


def answer_problems(survey: Survey, answer: Answer) -> dict[str, str]:
    """What is wrong with an answer, by form field ("score", "answer_1", "comment")."""
    problems: dict[str, str] = {}
    if answer.score is None:
        problems["score"] = _("Choose a score from 0 to 10.")
    elif not 0 <= answer.score <= MAX_SCORE:
        problems["score"] = _("The score is a whole number from 0 to 10.")
    asked = {number for number, _text in survey.questions}
    for number, text in answer.answers.items():
        if number in asked and len(text) > ANSWER_MAX:
            problems[f"answer_{number}"] = _("At most %(n)s characters.") % {"n": ANSWER_MAX}
    if len(answer.comment) > COMMENT_MAX:
        problems["comment"] = _("At most %(n)s characters.") % {"n": COMMENT_MAX}
    return problems


def survey_answer(*, survey_request: SurveyRequest, answer: Answer) -> SurveyAnswer:
    """Record the answer to one request, once.

    Raises `ValidationError` (a dict by field) for a bad answer, `AlreadyAnswered` when the
    request was answered before — also when two submissions race: the request is marked
    answered by a conditional update, and only the one that changed the row writes an answer.
    An anonymous survey's answer keeps only the partner, the day and what was typed (no user,
    no request, no audit line naming the user); a named one keeps both and is audited.
    """
    survey = survey_request.survey
    problems = answer_problems(survey, answer)
    if problems or answer.score is None:
        raise ValidationError(problems)
    asked = {number for number, _text in survey.questions}
    texts = {n: answer.answers.get(n, "").strip() if n in asked else "" for n in (1, 2, 3)}
    today = timezone.localdate()
    with transaction.atomic():
        marked = SurveyRequest.objects.filter(
            tenant_id=survey_request.tenant_id, pk=survey_request.pk, answered_on__isnull=True
        ).update(answered_on=today)
        if not marked:
            raise AlreadyAnswered
        named = not survey.is_anonymous
        row = SurveyAnswer.objects.create(
            tenant_id=survey_request.tenant_id,
            survey=survey,
            partner_id=survey_request.partner_id,
            answered_on=today,
            score=answer.score,
            answer_1=texts[1],
            answer_2=texts[2],
            answer_3=texts[3],
            comment=answer.comment.strip(),
            membership_id=survey_request.membership_id if named else None,
            request=survey_request if named else None,
        )
        if named:
            audit_record(
                tenant=survey.tenant,
                actor=survey_request.membership.user,
                action="partners.survey.answered",
                obj=survey_request,
                after={"score": answer.score},
            )
    survey_request.answered_on = today
    return row
