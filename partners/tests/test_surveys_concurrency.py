"""PSAT under concurrency, on real connections: two triggers asking the same member at once ask
once (the fatigue rule under the member's row lock); two submissions of one request record one
answer (the conditional update on the request)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from partners.models import Survey, SurveyAnswer, SurveyRequest
from partners.surveys import triggers
from partners.surveys.services import AlreadyAnswered, Answer, survey_answer, survey_ask
from prm.tenancy.roles import Role


def _race(work, count: int = 2) -> list[str]:
    """Run `work(i)` on `count` threads, each on its own connection, started together."""
    start = threading.Barrier(count)
    outcomes: list[str] = []

    def run(i):  # type: ignore[no-untyped-def]
        try:
            start.wait(timeout=10)
            outcomes.append(work(i))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_triggers_at_once_ask_a_member_once(ours):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        SurveyRequest.objects.filter(tenant=ours.tenant).update(
            asked_at=timezone.now() - timedelta(days=400)
        )
        quarterly = Survey.objects.create(
            tenant=ours.tenant, name="Quarterly", trigger=triggers.QUARTERLY, is_anonymous=True
        )
    surveys = [ours.survey.pk, quarterly.pk]

    def ask(i: int) -> str:
        with scope(tenant=ours.tenant):
            survey = Survey.objects.select_related("tenant").get(pk=surveys[i])
            asked = survey_ask(survey=survey, members=[rep], occasion=f"race {i}")
        return "asked" if asked else "spared"

    assert _race(ask) == ["asked", "spared"]
    with scope(tenant=ours.tenant):
        recent = SurveyRequest.objects.filter(
            tenant=ours.tenant, membership=rep, asked_at__gt=timezone.now() - timedelta(days=1)
        )
        assert recent.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_record_one_answer(ours):
    asked = ours.survey_requests[ours.members[Role.PARTNER_REP].user_id]

    def submit(i: int) -> str:
        with scope(tenant=ours.tenant):
            row = SurveyRequest.objects.select_related("survey__tenant", "membership__user").get(
                pk=asked.pk
            )
            try:
                survey_answer(survey_request=row, answer=Answer(score=5 + i))
            except AlreadyAnswered:
                return "already answered"
        return "recorded"

    assert _race(submit) == ["already answered", "recorded"]
    with scope(tenant=ours.tenant):
        assert SurveyAnswer.objects.filter(tenant=ours.tenant, survey=ours.survey).count() == 2
        assert SurveyAnswer.objects.filter(request_id=asked.pk).count() == 1
