from collections.abc import Iterator

import pytest
from django_scopes import scope

from prm.tenancy.roles import Role
from prm.webhooks.models import WebhookEndpoint
from prm.webhooks.subscriptions import subscriptions_refresh

from .receiver import Receiver


@pytest.fixture
def in_ours(ours):
    """Our world, its tenant's scope active."""
    with scope(tenant=ours.tenant):
        yield ours


@pytest.fixture
def leader(ours):
    return ours.members[Role.PROGRAM_LEADER]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 (an ephemeral port), stopped after the test."""
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def loopback(settings):
    """Let webhooks reach 127.0.0.1 and ::1 (the development setting), for a local receiver."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


def make_endpoint(world, url: str, events=("deals.deal.won",), **fields) -> WebhookEndpoint:
    """An endpoint written as a row: URLs the form would refuse are the send-time check's. The
    tenant's subscribed events are refreshed, as the services do."""
    endpoint = WebhookEndpoint.objects.create(
        tenant=world.tenant,
        url=url,
        events=list(events),
        secret="whsec_test-secret-of-" + world.tenant.slug,
        **fields,
    )
    subscriptions_refresh(world.tenant)
    return endpoint
