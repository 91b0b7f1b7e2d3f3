"""Reads about surveys: a member's open requests (portal) and a survey's results (admin UI).

Results count only the partners the member sees (a CAM: their own, `visible_partners`). An
anonymous survey's figures appear only from `MIN_ANONYMOUS_ANSWERS` answers: a partner's row,
and a partner's name beside an answer, only when that partner gave at least that many; the
whole scope's figures and answers only when the scope holds at least that many (else a CAM of
one partner would read that partner's answers in the totals).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..models import Survey, SurveyAnswer, SurveyRequest
from ..models.surveys import MAX_SCORE

#: an anonymous survey's results of fewer answers than this are not shown (per partner and
#: per scope), on every page, export and metric (`partners.psat` uses the same number)
MIN_ANONYMOUS_ANSWERS = 5


def open_requests_for(membership: Membership) -> QuerySet[SurveyRequest]:
    """The member's requests not answered yet, of active surveys, newest first."""
    return SurveyRequest.objects.filter(
        tenant_id=membership.tenant_id,
        membership=membership,
        answered_on__isnull=True,
        survey__is_active=True,
    ).select_related("survey")


def answered_requests_for(membership: Membership, limit: int = 10) -> list[SurveyRequest]:
    """The member's latest answered requests (what they answered, never the answer itself:
    an anonymous one has none linked)."""
    return list(
        SurveyRequest.objects.filter(
            tenant_id=membership.tenant_id, membership=membership, answered_on__isnull=False
        )
        .select_related("survey")
        .order_by("-answered_on", "-pk")[:limit]
    )


def surveys_for(membership: Membership) -> QuerySet[Survey]:
    """The tenant's surveys (vendor staff see every definition; results narrow by partner)."""
    return Survey.objects.filter(tenant_id=membership.tenant_id)


@dataclass
class PartnerResult:
    partner_id: int
    name: str
    answers: int
    average: Decimal | None


@dataclass
class SurveyResults:
    survey: Survey
    #: answers in the member's scope (always said: a count names nobody)
    answers: int
    #: requests sent in the scope, and how many were answered
    sent: int
    answered: int
    #: whether the scope's figures and answers may be shown (named: always)
    shown: bool
    average: Decimal | None = None
    #: how many answers gave each score, 0 to 10 (empty when not shown)
    distribution: list[int] = field(default_factory=list)
    #: the partners whose figures may be shown, best first
    partners: list[PartnerResult] = field(default_factory=list)
    #: partners with answers, but too few to be shown
    partners_below: int = 0

    @property
    def shown_partner_ids(self) -> set[int]:
        return {p.partner_id for p in self.partners}

    @property
    def response_rate(self) -> Decimal | None:
        if not self.sent:
            return None
        return (Decimal(100) * self.answered / self.sent).quantize(Decimal("1"), ROUND_HALF_UP)


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def answers_in_scope(membership: Membership, survey: Survey) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(
        tenant_id=membership.tenant_id,
        survey=survey,
        partner__in=visible_partners(membership),
    )


def survey_results(membership: Membership, survey: Survey) -> SurveyResults:
    """The survey's figures over the partners the member sees, in two queries: answers
    counted by partner and score, and requests sent and answered."""
    counts = list(
        answers_in_scope(membership, survey)
        .order_by()
        .values_list("partner_id", "partner__name", "score")
        .annotate(n=Count("pk"))
    )
    requests = SurveyRequest.objects.filter(
        tenant_id=membership.tenant_id,
        survey=survey,
        partner__in=visible_partners(membership),
    ).aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False)))
    by_partner: dict[int, dict[str, Any]] = {}
    distribution = [0] * (MAX_SCORE + 1)
    for partner_id, name, score, n in counts:
        row = by_partner.setdefault(partner_id, {"name": name, "n": 0, "total": 0})
        row["n"] += n
        row["total"] += score * n
        distribution[score] += n
    answers = sum(distribution)
    anonymous = survey.is_anonymous
    shown = not anonymous or answers >= MIN_ANONYMOUS_ANSWERS
    results = SurveyResults(
        survey=survey,
        answers=answers,
        sent=requests["sent"],
        answered=requests["answered"],
        shown=shown,
    )
    if not shown:
        return results
    results.average = _average(sum(s * n for s, n in enumerate(distribution)), answers)
    results.distribution = distribution
    for partner_id, row in by_partner.items():
        if anonymous and row["n"] < MIN_ANONYMOUS_ANSWERS:
            results.partners_below += 1
            continue
        results.partners.append(
            PartnerResult(partner_id, row["name"], row["n"], _average(row["total"], row["n"]))
        )
    results.partners.sort(key=lambda p: (-(p.average or 0), p.name.lower(), p.partner_id))
    return results


def answer_rows(membership: Membership, results: SurveyResults) -> QuerySet[SurveyAnswer]:
    """The answers to list (newest day first): none while the scope's figures are not shown.
    Named answers come with their user; `results.shown_partner_ids` says whose partner may be
    named beside an anonymous one."""
    if not results.shown:
        return SurveyAnswer.objects.none()
    rows = answers_in_scope(membership, results.survey).select_related("partner")
    if not results.survey.is_anonymous:
        rows = rows.select_related("membership__user")
    # An anonymous answer's key is random: ordering by it after the day mixes the day's answers.
    return rows.order_by("-answered_on", "id")
