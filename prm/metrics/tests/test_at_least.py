"""`Ratio(at_least=N)`: a figure made from fewer than N rows of the denominator reads None, in
every group — per partner, per merged group (a CAM's portfolio), for the program — and also
when months are read from the engine's month buckets and added into a quarter. PSAT
(`partners.psat`, at least 5 answers) is the metric that needs it."""

from datetime import date

import pytest
from django_scopes import scope

from partners.models import SurveyAnswer
from prm.metrics.engine import ALL, BY_PARTNER, PROGRAM, by_map, evaluate
from prm.metrics.periods import Period
from prm.metrics.registry import Metric, Part, Ratio, get

pytestmark = pytest.mark.django_db

JAN = Period(date(2025, 1, 1), date(2025, 1, 31))
FEB = Period(date(2025, 2, 1), date(2025, 2, 28))
MAR = Period(date(2025, 3, 1), date(2025, 3, 31))
Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))


def _answers(world, partner, day, *scores):
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            tenant=world.tenant,
            survey=world.survey,
            partner=partner,
            answered_on=day,
            score=score,
        )
        for score in scores
    )


def test_a_partner_with_four_answers_has_no_psat_and_with_five_has_one(ours):
    psat = get("partners.psat")
    with scope(tenant=ours.tenant):
        _answers(ours, ours.partner, date(2025, 1, 10), 10, 8, 6, 9)
        _answers(ours, ours.other_partner, date(2025, 1, 10), 7, 7, 7, 7, 8)
        table = evaluate(ours.tenant, [psat], [JAN], by=BY_PARTNER)
        assert table.get(psat, JAN, ours.partner.pk) is None
        assert str(table.get(psat, JAN, ours.other_partner.pk)) == "7.2"
        # the program: nine answers, 69 points
        assert str(evaluate(ours.tenant, [psat], [JAN]).get(psat, JAN)) == "7.7"
        _answers(ours, ours.partner, date(2025, 1, 11), 7)
        table = evaluate(ours.tenant, [psat], [JAN], by=BY_PARTNER)
        assert str(table.get(psat, JAN, ours.partner.pk)) == "8.0"


def test_merged_groups_count_the_rows_of_all_their_partners(ours):
    psat = get("partners.psat")
    groups = by_map("portfolios", {ours.partner.pk: ["a", "both"], ours.other_partner.pk: ["both"]})
    with scope(tenant=ours.tenant):
        _answers(ours, ours.partner, date(2025, 1, 10), 10, 8, 6)
        _answers(ours, ours.other_partner, date(2025, 1, 12), 4, 2)
        table = evaluate(ours.tenant, [psat], [JAN], by=groups)
    assert table.get(psat, JAN, "a") is None  # three answers
    assert str(table.get(psat, JAN, "both")) == "6.0"  # five


def test_months_read_from_buckets_add_their_rows_into_the_quarter(ours):
    """Four periods of whole months: the engine reads them from one query grouped by month,
    and the quarter is the sum of its months' parts, its row count included."""
    psat = get("partners.psat")
    with scope(tenant=ours.tenant):
        _answers(ours, ours.partner, date(2025, 1, 5), 9, 9, 9)
        _answers(ours, ours.partner, date(2025, 2, 5), 6, 6)
        table = evaluate(ours.tenant, [psat], [JAN, FEB, MAR, Q1], by=BY_PARTNER)
        program = evaluate(ours.tenant, [psat], [JAN, FEB, MAR, Q1], by=PROGRAM)
    assert table.get(psat, JAN, ours.partner.pk) is None
    assert table.get(psat, FEB, ours.partner.pk) is None
    assert str(table.get(psat, Q1, ours.partner.pk)) == "7.8"
    assert program.get(psat, JAN, ALL) is None
    assert str(program.get(psat, Q1, ALL)) == "7.8"


def test_at_least_counts_the_denominators_rows_not_its_sum(ours):
    """A generic ratio whose denominator sums a field: the minimum is about how many rows it is
    made of (two answers scoring 10 and 0 sum to 10, but are two rows)."""
    psat = get("partners.psat")
    ratio = Metric(
        name="tests.score_share",
        label="score share",
        unit="percent",
        description="",
        rows=psat.rows,
        value=Ratio(Part(1), Part("score"), at_least=3),
    )
    with scope(tenant=ours.tenant):
        _answers(ours, ours.partner, date(2025, 1, 10), 10, 0)
        two = evaluate(ours.tenant, [ratio], [JAN], partners=[ours.partner.pk])
        _answers(ours, ours.partner, date(2025, 1, 11), 10)
        three = evaluate(ours.tenant, [ratio], [JAN], partners=[ours.partner.pk])
    assert two.get(ratio, JAN) is None
    assert str(three.get(ratio, JAN)) == "15.0"
