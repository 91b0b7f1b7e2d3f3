"""A survey's results page and CSV, the survey list and the portal's Surveys page cost the same
number of queries whatever the number of partners, requests and answers (the results are two
aggregates; the answers a page of rows with their partner and user joined)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.models import Survey, SurveyAnswer, SurveyRequest
from partners.surveys import triggers
from partners.surveys.tokens import new_nonce
from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import (
    Clients,
    assert_budget,
    at_two_sizes,
    count_all,
    export_queries,
    page_queries,
    rolled_back,
)

SMALL, LARGE = 4, 10
pytestmark = pytest.mark.xdist_group("budgets-surveys")

RESULTS = "/admin/partners/surveys/{survey}/results/"
PAGES = [
    # the survey, the figures by partner and score, the requests, the page of answers and
    # its count (with the admin site's own: session, membership, branding)
    (RESULTS, Role.PROGRAM_LEADER, 10),
    (RESULTS, Role.CAM, 10),
    (RESULTS.replace("{survey}", "{anonymous}"), Role.PROGRAM_LEADER, 10),
    ("/admin/partners/survey/", Role.PARTNER_OPS, 8),
    # the open requests and the answered ones
    ("/surveys/", Role.PARTNER_ADMIN, 7),
]
EXPORTS = [
    ("/admin/partners/surveys/{survey}/answers.csv", Role.PROGRAM_LEADER, 8),
    ("/admin/partners/surveys/{anonymous}/answers.csv", Role.CAM, 8),
]


def grow(world, surveys, start: int, end: int) -> None:
    """Per step: a partner (the CAM's every other time) with three users, each asked and
    answering both surveys, and one more open request of the world's partner admin."""
    tenant, now = world.tenant, timezone.now()
    cam = world.members[Role.CAM]
    with scope(tenant=tenant):
        for i in range(start, end):
            partner = PartnerFactory(tenant=tenant, name=f"Grown partner {i}")
            if i % 2:
                assign_perm(MANAGE_PARTNER, cam.user, partner)
            for _n in range(3):
                user = partner_membership(partner, Role.PARTNER_REP)
                for survey in surveys:
                    request = SurveyRequest.objects.create(
                        tenant=tenant, survey=survey, membership=user, partner=partner,
                        occasion=f"grow {i}", nonce=new_nonce(), asked_at=now,
                        answered_on=now.date(),
                    )  # fmt: skip
                    named = not survey.is_anonymous
                    SurveyAnswer.objects.create(
                        tenant=tenant, survey=survey, partner=partner, answered_on=now.date(),
                        score=i % 11, comment=f"grown {i}", membership=user if named else None,
                        request=request if named else None,
                    )  # fmt: skip
            admin = world.members[Role.PARTNER_ADMIN]
            SurveyRequest.objects.create(
                tenant=tenant, survey=surveys[i % 2], membership=admin, partner=world.partner,
                occasion=f"open {i}", nonce=new_nonce(), asked_at=now - timedelta(days=i),
            )  # fmt: skip


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            anonymous = Survey.objects.create(
                tenant=world.tenant, name="Budget quarterly", trigger=triggers.QUARTERLY,
                is_anonymous=True, question_1="What first?",
            )  # fmt: skip
        surveys = [world.survey, anonymous]
        clients = Clients(world)
        values = {"survey": world.survey.pk, "anonymous": anonymous.pk}

        def measure() -> dict:
            pages = count_all(
                [(u, r) for u, r, _b in PAGES],
                lambda p: page_queries(clients[p[1]], p[0].format(**values)),
            )
            exports = count_all(
                [(u, r) for u, r, _b in EXPORTS],
                lambda p: export_queries(clients[p[1]], p[0].format(**values)),
            )
            return pages | exports

        grow(world, surveys, 0, SMALL)
        small = measure()
        grow(world, surveys, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "budget"), PAGES + EXPORTS, ids=[f"{p[0]}-{p[1]}" for p in PAGES + EXPORTS]
)
def test_survey_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
