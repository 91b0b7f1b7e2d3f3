"""The endpoints list and an endpoint's delivery log cost the same number of queries whatever
the number of endpoints and deliveries."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.tenancy.roles import Role
from prm.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 3, 40
pytestmark = pytest.mark.xdist_group("budgets-webhooks")


def grow(world, start: int, stop: int) -> None:
    """Endpoints of every state, each with deliveries of every status and their attempts; the
    world's endpoint gets as many deliveries again (its log pages)."""
    now = timezone.now()
    with scope(tenant=world.tenant):
        for i in range(start, stop):
            endpoint = WebhookEndpoint.objects.create(
                tenant=world.tenant,
                url=f"https://crm{i}.example.com/hooks",
                events=["deals.deal.won", "partners.partner.status_changed"][: 1 + i % 2],
                secret=f"whsec_{i}",
                is_active=bool(i % 3),
                failing_since=now if i % 2 else None,
                created_by=world.members[Role.PROGRAM_LEADER].user,
            )
            statuses = list(WebhookDelivery.Status)
            for owner in (endpoint, world.webhook_endpoint):
                for k in range(3):
                    delivery = WebhookDelivery.objects.create(
                        id=uuid.uuid4(),
                        tenant=world.tenant,
                        endpoint=owner,
                        event="deals.deal.won",
                        body="{}",
                        status=statuses[(i + k) % 3],
                        created_at=now - timedelta(minutes=i * 3 + k),
                        next_attempt_at=now,
                        attempts=k,
                        last_status_code=500 if k else None,
                    )
                    WebhookAttempt.objects.create(
                        tenant=world.tenant, delivery=delivery, at=now, response_status=500
                    )


PAGES = [
    ("/admin/integrations/webhooks/", 8),
    ("/admin/integrations/webhooks/?page=2", 8),
    ("/admin/integrations/webhooks/{endpoint}/", 9),
    ("/admin/integrations/webhooks/{endpoint}/?page=2", 9),
    ("/admin/integrations/webhooks/deliveries/{delivery}/", 8),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        client = Clients(world)[Role.PROGRAM_LEADER]

        def measure() -> dict:
            return count_all(
                [url for url, _budget in PAGES],
                lambda url: page_queries(
                    client,
                    url.format(
                        endpoint=world.webhook_endpoint.pk, delivery=world.webhook_delivery.pk
                    ),
                ),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "budget"), PAGES, ids=[p[0] for p in PAGES])
def test_webhook_page_costs_the_same_queries_at_two_sizes(counts, url, budget):
    assert_budget(counts[url], budget)
