"""The vendor's MDF review pages cost the same number of queries whatever the data size: the
request queue (page 1 and a deeper page), the decision screen and a decision page, the claim
queue and screen, and the payment batches."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.tests.factories import DealFactory
from mdf.admin.claims import ClaimAdmin
from mdf.admin.payments import PaymentBatchAdmin
from mdf.admin.requests import MdfRequestAdmin
from mdf.models import CampaignDeal, Claim, MdfRequest, PaymentBatch
from mdf.numbers import next_number
from mdf.tests.factories import claim_row, proof_row, request_row
from prm.audit.services import audit_record
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 9, 30
pytestmark = pytest.mark.xdist_group("budgets-mdf-review")

S = MdfRequest.Status


def grow(world, start: int, stop: int) -> None:
    """Requests of both partners in several statuses, claims (submitted, due, paid) with proof
    and linked deals, payment batches, and history for the measured request and claim."""
    rep_a, rep_b = world.members[Role.PARTNER_REP], world.other_partner_rep
    with scope(tenant=world.tenant):
        for i in range(start, stop):
            for allocation, rep in ((world.allocation, rep_a), (world.other_allocation, rep_b)):
                waiting = request_row(allocation, rep, amount="10", title=f"Grow {i}")
                if i % 3 == 0:  # overdue
                    MdfRequest.objects.filter(pk=waiting.pk).update(
                        sla_due_at=timezone.now() - timedelta(hours=5)
                    )
                funded = request_row(allocation, rep, status=S.APPROVED, amount="10")
                status = [Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID][i % 3]
                # (claim_row cannot make a paid claim: it creates it paid before its date)
                claim = claim_row(
                    funded,
                    rep,
                    status=Claim.Status.APPROVED if status == Claim.Status.PAID else status,
                    proof=False,
                )
                if status == Claim.Status.PAID:
                    Claim.objects.filter(pk=claim.pk).update(
                        status=status, paid_on=timezone.localdate(), payment_reference="P"
                    )
                if status == Claim.Status.APPROVED and i % 2:
                    batch = PaymentBatch.objects.create(
                        tenant=world.tenant,
                        number=next_number(world.tenant, "last_batch_number"),
                        currency=claim.currency,
                    )
                    Claim.objects.filter(pk=claim.pk).update(batch=batch)
            proof_row(world.claim, rep_a, f"proof-{i}.pdf")
            deal = DealFactory(partner=world.partner, owner=rep_a)
            CampaignDeal.objects.create(
                tenant=world.tenant, request=world.funded_request, deal=deal
            )
            world.fund.questions.create(tenant=world.tenant, label=f"Question {i}", position=i + 2)
            audit_record(
                tenant=world.tenant, actor=None, action=f"test.grow.{i}", obj=world.mdf_request
            )
            audit_record(tenant=world.tenant, actor=None, action=f"test.grow.{i}", obj=world.claim)


PAGES = [
    ("/admin/mdf/mdfrequest/", Role.CAM, 14),
    ("/admin/mdf/mdfrequest/", Role.PROGRAM_LEADER, 14),
    ("/admin/mdf/mdfrequest/?status=all&p=2", Role.CAM, 14),
    ("/admin/mdf/mdfrequest/?overdue=yes&fund={fund}", Role.PROGRAM_LEADER, 14),
    ("/admin/mdf/mdfrequest/{request}/change/", Role.CAM, 22),
    ("/admin/mdf/review/request/{request}/approve/", Role.CAM, 16),
    ("/admin/mdf/claim/", Role.CAM, 14),
    ("/admin/mdf/claim/?status=all&p=2", Role.PROGRAM_LEADER, 14),
    ("/admin/mdf/claim/{claim}/change/", Role.CAM, 18),
    ("/admin/mdf/paymentbatch/", Role.PARTNER_OPS, 12),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock), pytest.MonkeyPatch.context() as patch:
        for model_admin in (MdfRequestAdmin, ClaimAdmin, PaymentBatchAdmin):
            patch.setattr(model_admin, "list_per_page", 3)
        clients = Clients(world)
        ids = {"request": world.mdf_request.pk, "claim": world.claim.pk, "fund": world.fund.pk}

        def measure() -> dict:
            return count_all(
                [(url, role) for url, role, _budget in PAGES],
                lambda p: page_queries(clients[p[1]], p[0].format(**ids)),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_mdf_review_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
