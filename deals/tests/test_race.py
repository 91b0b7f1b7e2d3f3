"""Two partners submit the same customer at the same moment, on real concurrent connections."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from deals import services
from deals.models import Deal
from deals.tests.factories import ProductFactory, registered
from prm.tenancy.roles import Role

ROUNDS = 12


def _race(world, drafts: list[Deal]) -> list[str]:
    """Submit every draft at once, each from its own thread and database connection."""
    start = threading.Barrier(len(drafts))
    outcomes: list[str] = []

    def submit(draft: Deal) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                services.deal_submit(actor=draft.owner, deal=Deal(pk=draft.pk, tenant=world.tenant))
            outcomes.append("submitted")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_of_one_customer_yield_one_claim_and_one_conflict(ours):
    reps = [ours.members[Role.PARTNER_REP], ours.other_partner_rep]
    with scope(tenant=ours.tenant):
        ProductFactory(tenant=ours.tenant)
    for round_ in range(ROUNDS):
        customer = {
            "customer_name": f"Race Customer {round_} GmbH",
            # Half the rounds collide on the domain, half on the name alone.
            "customer_website": f"https://www.race{round_}.example" if round_ % 2 else "",
        }
        with scope(tenant=ours.tenant):
            drafts = [registered(rep, submit=False, **customer) for rep in reps]
        assert _race(ours, drafts) == ["submitted", "submitted"], f"round {round_}"
        with scope(tenant=ours.tenant):
            pair = list(Deal.objects.filter(pk__in=[d.pk for d in drafts]))
            holders = [d for d in pair if d.holds_claim]
            losers = [d for d in pair if not d.holds_claim]
            assert len(holders) == 1, f"round {round_}"
            assert len(losers) == 1
            assert losers[0].conflict_with_id == holders[0].pk
            assert all(d.status == Deal.Status.SUBMITTED for d in pair)
