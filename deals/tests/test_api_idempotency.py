"""`Idempotency-Key` on the deals API's POSTs: a retry gets the first answer and creates nothing
more, also when the two requests arrive at once on two connections."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from deals.models import Lead
from tests.worlds import api_client_for

LEADS = "/api/v1/leads/"
LEAD = {
    "customer": "Northwind Traders",
    "website": "northwind.example",
    "country": "US",
    "contact": {"name": "Nancy North", "email": "nancy@northwind.example"},
}


def leads(world) -> int:
    with scope(tenant=world.tenant):
        return Lead.objects.filter(tenant=world.tenant, customer_name__startswith="North").count()


def create(client, body, key):
    return client.post(LEADS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_the_same_post_twice_creates_one_lead_and_answers_the_same(ours):
    api = api_client_for(ours)
    first = create(api, LEAD, "lead-1")
    again = create(api, LEAD, "lead-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert leads(ours) == 1
    assert create(api, LEAD, "lead-2").status_code == 201  # a new key is a new request
    assert leads(ours) == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(ours):
    api = api_client_for(ours)
    assert create(api, LEAD, "lead-1").status_code == 201
    other = create(api, {**LEAD, "customer": "Northwind Other"}, "lead-1")
    assert other.status_code == 422
    assert leads(ours) == 1


@pytest.mark.django_db
def test_a_refused_post_is_kept_too_and_writes_nothing(ours):
    api = api_client_for(ours)
    bad = {**LEAD, "country": "XX"}
    first = create(api, bad, "bad-1")
    again = create(api, bad, "bad-1")
    assert (first.status_code, again.status_code) == (400, 400)
    assert again.content == first.content
    assert leads(ours) == 0


@pytest.mark.django_db
def test_an_outcome_posted_twice_with_one_key_is_recorded_once(ours):
    from django.utils import timezone

    from deals.models import Deal
    from prm.audit.models import AuditEvent

    from .test_api import approved

    deal = approved(ours)
    api = api_client_for(ours)
    body = {"amount": "100.00", "closed_on": timezone.localdate().isoformat()}
    url = f"/api/v1/deals/{deal.pk}/won/"
    first = api.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="won-1")
    again = api.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="won-1")
    assert (first.status_code, again.status_code) == (200, 200)  # not 409: the first answer
    assert again.content == first.content
    with scope(tenant=ours.tenant):
        assert Deal.objects.get(pk=deal.pk).status == Deal.Status.WON
        assert AuditEvent.objects.filter(action="deals.deal.won", object_id=deal.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_with_one_key_at_once_create_one_lead(ours):
    for round_ in range(3):
        key = f"race-{round_}"
        start = threading.Barrier(2)
        answers: list[tuple[int, bytes]] = []

        def post(key=key, start=start, answers=answers) -> None:
            try:
                client = api_client_for(ours)
                start.wait(timeout=10)
                response = create(client, LEAD, key)
                answers.append((response.status_code, response.content))
            finally:
                connection.close()  # each thread opened its own connection

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [code for code, _body in answers] == [201, 201]
        assert answers[0][1] == answers[1][1]
        assert leads(ours) == round_ + 1
