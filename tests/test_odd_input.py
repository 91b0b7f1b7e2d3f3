"""Odd input on real pages: a date far outside any sensible range, and control, bidirectional
or invisible characters in text, are refused beside their field and change nothing, in the
portal, in the admin (forms, inlines) and in a CSV import, all through prm.inputs."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import ProductFactory
from partners.models import Partner, PlanMilestone
from prm.tenancy.roles import Role
from tests.html_forms import form_values

pytestmark = pytest.mark.django_db

RANGE = "Enter a date between Jan 1, 1900 and Dec 31, 2100."
HIDDEN = "Remove the invisible or control character at position"


@pytest.fixture
def deal_page(ours, host_client):
    with scope(tenant=ours.tenant):
        product = ProductFactory(tenant=ours.tenant, name="Cloud Suite")
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])

    def post(**overrides: str):  # type: ignore[no-untyped-def]
        data = {
            "customer_name": "Northwind Traders",
            "customer_website": "northwind.example",
            "country": "DE",
            "contact_name": "Nora North",
            "contact_email": "nora@northwind.example",
            "products": [product.pk],
            "amount": "1000",
            "currency": "EUR",
            "expected_close_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "deal_type": "new",
            "notes": "",
            "action": "draft",
            **overrides,
        }
        return client.post("/deals/new/", data)

    return post


def drafts(world) -> int:
    with scope(tenant=world.tenant):
        return Deal.objects.filter(partner=world.partner, status=Deal.Status.DRAFT).count()


def test_a_close_date_in_the_year_9999_is_refused_beside_the_field(ours, deal_page):
    before = drafts(ours)
    response = deal_page(expected_close_on="9999-12-31")
    assert response.status_code == 200
    assert response.context["form"].errors["expected_close_on"] == [RANGE]
    assert drafts(ours) == before


def test_a_customer_name_with_a_right_to_left_override_is_refused_beside_the_field(ours, deal_page):
    before = drafts(ours)
    # Shown as "Northwind sdarT": another customer's name, to a CAM reading the queue.
    response = deal_page(customer_name="Northwind \u202eTrades")
    assert response.status_code == 200
    assert response.context["form"].errors["customer_name"][0].startswith(HIDDEN)
    assert drafts(ours) == before


def test_notes_keep_their_line_breaks_and_tabs(ours, deal_page):
    assert deal_page(notes="Needs:\r\n\t- single sign-on\r\n\t- audit log").status_code == 302
    with scope(tenant=ours.tenant):
        assert "\t- audit log" in Deal.objects.latest("pk").notes


def test_an_admin_form_refuses_an_invisible_character_and_a_date_out_of_range(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = "/admin/partners/partner/add/"
    data = form_values(client.get(url).content.decode(), containing="name")
    data.update({"name": ["Contoso\u200b"], "joined_on": ["0202-05-01"]})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["name"][0].startswith(HIDDEN)
    assert errors["joined_on"] == [RANGE]
    with scope(tenant=ours.tenant):
        assert not Partner.objects.filter(name__startswith="Contoso").exists()


def test_an_admin_inline_row_refuses_a_date_out_of_range(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/partners/businessplan/{ours.plan.pk}/change/"
    data = form_values(client.get(url).content.decode(), containing="summary")
    data["milestones-0-due_on"] = ["9999-12-31"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert RANGE in response.content.decode()
    with scope(tenant=ours.tenant):
        assert PlanMilestone.objects.get(pk=ours.plan_milestone.pk).due_on.year < 2100


def test_a_csv_row_with_a_bidi_override_imports_nothing(ours, host_client):
    csv = "Name,Type\nContoso,\nEvil \u202eCorp,\n"
    upload = SimpleUploadedFile("partners.csv", csv.encode(), content_type="text/csv")
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        "/admin/partners/partner/import/", {"file": upload}
    )
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert (error.row, error.column) == (3, "Name")
    assert error.message.startswith(HIDDEN)
    with scope(tenant=ours.tenant):
        assert not Partner.objects.filter(name="Contoso").exists()
