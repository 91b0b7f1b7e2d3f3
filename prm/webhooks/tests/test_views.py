"""The webhook pages (prm/webhooks/views.py): list, add, edit, the endpoint with its secret and
log, the confirmed actions, a delivery and redelivering it."""

import pytest
from django.urls import reverse

from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.webhooks.models import WebhookDelivery, WebhookEndpoint
from prm.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

EVENT = "partners.partner.profile_changed"


@pytest.fixture
def client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PROGRAM_LEADER])


def test_the_list_shows_the_endpoints_and_their_last_delivery(in_ours, client):
    html = client.get(reverse("admin:webhooks")).content.decode()
    assert in_ours.webhook_endpoint.url in html
    assert "Delivered" in html
    assert 'id="webhook-add"' in html


def test_the_list_says_what_to_do_when_there_is_no_endpoint(in_ours, client):
    WebhookEndpoint.objects.all().delete()
    html = client.get(reverse("admin:webhooks")).content.decode()
    assert 'id="webhooks-empty"' in html
    assert "Add one with the URL of your receiver" in html


def test_the_menu_lists_webhooks_under_integrations(in_ours, client):
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:webhooks") in html


def test_adding_an_endpoint_shows_its_secret_and_audits_it(in_ours, client):
    page = client.get(reverse("admin:webhook_add")).content.decode()
    assert f'value="{EVENT}"' in page
    assert "<summary>Partners <span" in page
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {
        "url": "https://crm.example.com/in",
        "description": "CRM",
        "events": [EVENT],
        "form_token": token,
    }
    response = client.post(reverse("admin:webhook_add"), data)
    endpoint = WebhookEndpoint.objects.get(url="https://crm.example.com/in")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:webhook", args=[endpoint.pk])
    assert endpoint.events == [EVENT]
    assert endpoint.secret.startswith("whsec_")
    assert len(endpoint.secret) == 6 + 43  # 32 bytes, urlsafe base64
    html = client.get(response["Location"]).content.decode()
    assert endpoint.secret in html
    assert AuditEvent.objects.filter(
        action="webhooks.endpoint.created", object_id=str(endpoint.pk)
    ).exists()


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"url": "http://169.254.169.254/", "events": [EVENT]}, "url", "public addresses"),
        ({"url": "ftp://crm.example.com/", "events": [EVENT]}, "url", "http://"),
        ({"url": "https://crm.example.com/", "events": []}, "events", "at least one event"),
        ({"url": "https://crm.example.com/", "events": ["no.such.event"]}, "events", "valid"),
        ({"url": "", "events": [EVENT]}, "url", "required"),
    ],
)
def test_a_wrong_endpoint_is_refused_beside_its_field_and_nothing_is_saved(
    in_ours, client, data, field, says
):
    before = WebhookEndpoint.objects.count()
    response = client.post(reverse("admin:webhook_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    error = html.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert says in error
    assert WebhookEndpoint.objects.count() == before


def test_the_same_url_twice_is_refused_beside_the_url(in_ours, client):
    response = client.post(
        reverse("admin:webhook_add"), {"url": in_ours.webhook_endpoint.url, "events": [EVENT]}
    )
    assert "exists already" in response.content.decode().split('id="id_url_error"')[1]


def test_editing_changes_the_events_and_audits_what_changed(in_ours, client):
    endpoint = in_ours.webhook_endpoint
    url = reverse("admin:webhook_edit", args=[endpoint.pk])
    page = client.get(url).content.decode()
    assert 'value="webhooks.endpoint.disabled" checked' in page
    response = client.post(url, {"url": endpoint.url, "description": "", "events": [EVENT]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == [EVENT]
    event = AuditEvent.objects.get(action="webhooks.endpoint.changed", object_id=str(endpoint.pk))
    assert set(event.after) == {"description", "events"}


def test_rotating_the_secret_asks_first_then_changes_it(in_ours, client):
    endpoint = in_ours.webhook_endpoint
    url = reverse("admin:webhook_rotate", args=[endpoint.pk])
    assert "stops verifying at once" in client.get(url).content.decode()
    old = endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.secret == old  # the GET changed nothing
    assert client.post(url).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret.startswith("whsec_")
    assert AuditEvent.objects.filter(action="webhooks.endpoint.secret_rotated").exists()


def test_disabling_needs_a_reason_and_enabling_again_clears_it(in_ours, client):
    endpoint = in_ours.webhook_endpoint
    disable = reverse("admin:webhook_disable", args=[endpoint.pk])
    response = client.post(disable, {"reason": "  "})
    assert "Say why" in response.content.decode().split('id="id_reason_error"')[1]
    assert client.post(disable, {"reason": "CRM migration"}).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    html = client.get(reverse("admin:webhook", args=[endpoint.pk])).content.decode()
    assert "CRM migration" in html
    assert 'id="webhook-enable"' in html
    assert client.post(reverse("admin:webhook_enable", args=[endpoint.pk])).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.disabled_reason == ""
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"webhooks.endpoint.disabled", "webhooks.endpoint.enabled"} <= actions


def test_a_test_event_is_queued_as_a_ping_delivery(in_ours, client):
    endpoint = in_ours.webhook_endpoint
    response = client.post(reverse("admin:webhook_ping", args=[endpoint.pk]))
    ping = WebhookDelivery.objects.filter(endpoint=endpoint, event="webhooks.ping").latest(
        "created_at"
    )
    assert ping.pk != in_ours.webhook_delivery.pk
    assert response["Location"] == reverse("admin:webhook_delivery", args=[ping.pk])


def test_the_endpoint_page_lists_its_deliveries_newest_first(in_ours, client):
    html = client.get(reverse("admin:webhook", args=[in_ours.webhook_endpoint.pk])).content
    html = html.decode()
    assert reverse("admin:webhook_delivery", args=[in_ours.webhook_delivery.pk]) in html
    assert 'id="webhook-secret"' in html


def test_the_delivery_page_shows_the_payload_and_each_attempt(in_ours, client):
    delivery = in_ours.webhook_delivery
    html = client.get(reverse("admin:webhook_delivery", args=[delivery.pk])).content.decode()
    assert str(delivery.pk) in html
    assert "PRM-Delivery: " + str(delivery.pk) in html
    assert "ok ours" in html
    assert "Hello ours" in html


def test_redelivering_asks_first_then_queues_the_same_delivery(in_ours, client):
    delivery = in_ours.webhook_delivery
    url = reverse("admin:webhook_redeliver", args=[delivery.pk])
    assert "with the same delivery id" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert AuditEvent.objects.filter(action="webhooks.delivery.redelivered").exists()


@pytest.mark.parametrize("pk", ["not-a-uuid", "0", "ffffffff-ffff-ffff-ffff-ffffffffffff"])
def test_a_delivery_id_that_is_not_one_answers_404(in_ours, client, pk):
    assert client.get(f"/admin/integrations/webhooks/deliveries/{pk}/").status_code == 404


def test_a_cam_may_not_see_the_webhook_pages(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get(reverse("admin:webhooks")).status_code == 403


def test_the_to_do_card_tells_the_leaders_of_a_failing_or_disabled_endpoint(in_ours, client):
    leader = in_ours.members[Role.PROGRAM_LEADER]
    assert 'id="todo-webhooks"' not in client.get(reverse("admin:index")).content.decode()
    endpoint = endpoint_create(actor=leader, url="https://crm.example.com/x", events=[EVENT])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    html = client.get(reverse("admin:index")).content.decode()
    assert "endpoint disabled: its deliveries wait" in html
