"""Deal registration in the partner portal: the form, the list, the detail page, the pre-check.

Reps see their own registrations, partner admins their company's; another company's or another
tenant's registration answers 404 on every URL; bad input shows beside its field and changes
nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal
from deals.tests.factories import ProductFactory, registered
from partners.tests.factories import set_partner_settings
from prm.audit.models import AuditEvent
from prm.money import format_money
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


def form_data(product, **overrides):
    data = {
        "customer_name": "Northwind Traders",
        "customer_website": "northwind.example",
        "country": "DE",
        "contact_name": "Nora North",
        "contact_email": "nora@northwind.example",
        "contact_role": "CTO",
        "products": [product.pk],
        "amount": "12500.50",
        "currency": "EUR",
        "expected_close_on": CLOSE,
        "deal_type": "new",
        "notes": "Replaces their old system",
        "action": "draft",
    }
    data.update(overrides)
    return data


@pytest.fixture
def product(ours):
    with scope(tenant=ours.tenant):
        return ProductFactory(tenant=ours.tenant, name="Cloud Suite")


def rep_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_REP])


def approve(world, deal):
    with scope(tenant=world.tenant):
        return services.deal_approve(actor=world.members[Role.PROGRAM_LEADER], deal=deal)


# -- Registering ------------------------------------------------------------------------------


def test_a_rep_saves_a_draft_then_submits_it(ours, host_client, product):
    client = rep_client(ours, host_client)
    page = client.get("/deals/new/").content.decode()
    assert "Save draft" in page
    assert "Submit registration" in page
    assert "Cloud Suite" in page
    assert 'hx-get="/deals/precheck/"' in page
    assert 'aria-live="polite"' in page
    response = client.post("/deals/new/", form_data(product))
    with scope(tenant=ours.tenant):
        deal = Deal.objects.get()
        assert deal.status == Deal.Status.DRAFT
        assert deal.owner == ours.members[Role.PARTNER_REP]
        assert deal.amount == Decimal("12500.50")
        assert list(deal.products.all()) == [product]
    assert response["Location"] == f"/deals/{deal.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert f"Draft {deal.reference} is saved." in detail
    assert "Northwind Traders" in detail
    assert format_money(Decimal("12500.50"), "EUR") in detail

    response = client.post(f"/deals/{deal.pk}/submit/")
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.SUBMITTED
        assert deal.holds_claim
    detail = client.get(f"/deals/{deal.pk}/").content.decode()
    assert f"Registration {deal.reference} is submitted" in detail
    assert "No conflict found: no other registration or account claims this customer." in detail
    assert "Waiting for a decision (due by" in detail


def test_submit_registration_saves_and_submits_in_one_step(ours, host_client, product):
    client = rep_client(ours, host_client)
    response = client.post("/deals/new/", form_data(product, action="submit"))
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        deal = Deal.objects.get()
        assert deal.status == Deal.Status.SUBMITTED
        assert (
            AuditEvent.objects.filter(action="deals.deal.submitted", object_id=str(deal.pk)).count()
            == 1
        )
        assert not AuditEvent.objects.filter(action="deals.deal.created").exists()
    detail = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "Submitted" in detail
    assert "(was Draft)" not in detail  # it never was one


def test_the_currency_defaults_to_the_tenants(ours, host_client, product):
    ours.tenant.default_currency = "GBP"
    ours.tenant.save()
    page = rep_client(ours, host_client).get("/deals/new/").content.decode()
    assert '<option value="GBP" selected>' in page


def test_bad_input_shows_beside_the_field_and_creates_nothing(ours, host_client, product):
    with scope(tenant=ours.tenant):
        audited = AuditEvent.objects.filter(action__startswith="deals.").count()
    client = rep_client(ours, host_client)
    response = client.post(
        "/deals/new/",
        form_data(product, products=[], contact_email="not an email", action="submit"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_products_error"' in html
    assert "Choose at least one of the offered products." in html
    assert 'id="id_contact_email_error"' in html
    # The service's own refusal (a name that is only punctuation) lands beside its field too.
    response = client.post("/deals/new/", form_data(product, customer_name="..."))
    html = response.content.decode()
    assert 'id="id_customer_name_error"' in html
    assert "Enter the customer&#x27;s company name." in html
    # Another tenant's product is not offered, and refused when posted.
    other = ProductFactory()
    response = client.post("/deals/new/", form_data(product, products=[other.pk]))
    assert 'id="id_products_error"' in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not Deal.objects.exists()
        assert AuditEvent.objects.filter(action__startswith="deals.").count() == audited


def test_without_the_accepted_agreement_the_page_explains_and_offers_no_form(
    ours, host_client, product
):
    set_partner_settings(ours.tenant, require_agreement=True)
    with scope(tenant=ours.tenant):
        ours.acceptance.delete()
    client = rep_client(ours, host_client)
    page = client.get("/deals/new/").content.decode()
    assert "must accept the partner agreement first" in page
    assert 'href="/program/agreement/"' in page
    assert 'name="customer_name"' not in page
    response = client.post("/deals/new/", form_data(product))
    assert response.status_code == 200
    with scope(tenant=ours.tenant):
        assert not Deal.objects.exists()


def test_editing_a_draft_keeps_it_and_changes_what_was_typed(ours, host_client, product):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP], submit=False)
    client = rep_client(ours, host_client)
    page = client.get(f"/deals/{deal.pk}/edit/").content.decode()
    assert 'value="Tailspin Toys Ltd"' in page
    assert f'hx-get="/deals/precheck/?deal={deal.pk}"' in page
    response = client.post(
        f"/deals/{deal.pk}/edit/", form_data(product, customer_name="Tailspin Toys Group")
    )
    assert response["Location"] == f"/deals/{deal.pk}/"
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.customer_name == "Tailspin Toys Group"
        assert deal.status == Deal.Status.DRAFT
        assert Deal.objects.count() == 1


def test_a_registration_sent_back_is_edited_and_resubmitted(ours, host_client, product):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
        services.deal_request_info(
            actor=ours.members[Role.CAM], deal=deal, message="Which departments buy it?"
        )
    client = rep_client(ours, host_client)
    detail = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "needs more information" in detail
    assert "Which departments buy it?" in detail
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        form_data(product, notes="Finance and HR", action="submit"),
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.SUBMITTED
        assert deal.notes == "Finance and HR"


def test_an_approved_registration_cannot_be_edited(ours, host_client, product):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    approve(ours, deal)
    client = rep_client(ours, host_client)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert f"/deals/{deal.pk}/edit/" not in page
    response = client.post(f"/deals/{deal.pk}/edit/", form_data(product, customer_name="Other"))
    assert response["Location"] == f"/deals/{deal.pk}/"
    assert "cannot be changed" in client.get(response["Location"]).content.decode()
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.customer_name == "Tailspin Toys Ltd"


# -- Who sees what ----------------------------------------------------------------------------


def test_a_rep_sees_only_their_deals_and_an_admin_the_companys(ours, host_client):
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        mine = registered(rep, customer_name="Alpha Rep Co", customer_website="alpha.example")
        admins = registered(admin, customer_name="Bravo Admin Co", customer_website="bravo.example")
        theirs = registered(
            ours.other_partner_rep, customer_name="Charlie Other Co", customer_website="c.example"
        )
    rep_page = rep_client(ours, host_client).get("/deals/").content.decode()
    assert mine.reference in rep_page
    assert admins.reference not in rep_page
    assert theirs.reference not in rep_page
    assert "Registered by" not in rep_page
    admin_page = host_client(ours.host, admin).get("/deals/").content.decode()
    assert mine.reference in admin_page
    assert admins.reference in admin_page
    assert theirs.reference not in admin_page
    assert "Registered by" in admin_page
    assert rep.user.email in admin_page or rep.user.get_full_name() in admin_page
    # A rep cannot open a teammate's registration; the admin can.
    assert rep_client(ours, host_client).get(f"/deals/{admins.pk}/").status_code == 404
    assert host_client(ours.host, admin).get(f"/deals/{mine.pk}/").status_code == 200


def _urls(pk):
    return [
        ("get", f"/deals/{pk}/"),
        ("get", f"/deals/{pk}/edit/"),
        ("post", f"/deals/{pk}/edit/"),
        ("post", f"/deals/{pk}/submit/"),
        ("post", f"/deals/{pk}/withdraw/"),
        ("get", f"/deals/{pk}/won/"),
        ("post", f"/deals/{pk}/won/"),
        ("get", f"/deals/{pk}/lost/"),
        ("post", f"/deals/{pk}/lost/"),
        ("get", f"/deals/{pk}/extend/"),
        ("post", f"/deals/{pk}/extend/"),
        ("get", f"/deals/precheck/?customer_name=x&deal={pk}"),
    ]


def test_another_partners_deal_answers_404_on_every_url(ours, host_client):
    with scope(tenant=ours.tenant):
        other = registered(ours.other_partner_rep)
    approve(ours, other)
    for role in (Role.PARTNER_REP, Role.PARTNER_ADMIN):
        client = host_client(ours.host, ours.members[role])
        for method, url in _urls(other.pk):
            assert getattr(client, method)(url).status_code == 404, (role, method, url)
    with scope(tenant=ours.tenant):
        other.refresh_from_db()
        assert other.status == Deal.Status.APPROVED


def test_another_tenants_deal_answers_404_on_every_url(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        foreign = registered(theirs.members[Role.PARTNER_REP])
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    for method, url in _urls(foreign.pk):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_vendor_staff_are_sent_to_the_admin_ui(ours, host_client):
    response = host_client(ours.host, ours.members[Role.CAM]).get("/deals/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/")


def test_the_list_filters_by_status_and_searches_by_customer(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        draft = registered(rep, submit=False, customer_name="Delta Draft", customer_website="d.ex")
        sent = registered(rep, customer_name="Echo Sent", customer_website="e.example")
    client = rep_client(ours, host_client)
    page = client.get("/deals/").content.decode()
    assert draft.reference in page
    assert sent.reference in page
    assert "Draft" in page
    assert "Submitted" in page
    drafts = client.get("/deals/?status=draft").content.decode()
    assert draft.reference in drafts
    assert sent.reference not in drafts
    found = client.get("/deals/?q=echo").content.decode()
    assert sent.reference in found
    assert draft.reference not in found
    none = client.get("/deals/?q=zulu").content.decode()
    assert "No registration matches." in none


def test_an_empty_list_says_to_register_the_first_deal(ours, host_client):
    page = rep_client(ours, host_client).get("/deals/").content.decode()
    assert "Register your first deal" in page
    assert 'href="/deals/new/"' in page


def test_the_list_pages_by_25(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        for i in range(27):
            registered(rep, submit=False, customer_name=f"Paged {i}", customer_website=f"p{i}.ex")
    client = rep_client(ours, host_client)
    first = client.get("/deals/").content.decode()
    assert "Page 1 of 2" in first
    assert first.count('href="/deals/') - first.count('href="/deals/new') >= 25
    second = client.get("/deals/?page=2").content.decode()
    assert "Page 2 of 2" in second


# -- Conflict pre-check ---------------------------------------------------------------------


def test_the_precheck_goes_from_clear_to_protected_without_naming_the_other_partner(
    ours, host_client, product
):
    client = rep_client(ours, host_client)
    query = "/deals/precheck/?customer_name=Contoso%20Ltd&customer_website=www.contoso.example"
    clear = client.get(query, HTTP_HX_REQUEST="true").content.decode()
    assert "No conflict found: this customer is free to register." in clear
    assert "<html" not in clear
    with scope(tenant=ours.tenant):
        other = registered(
            ours.other_partner_rep,
            customer_name="Contoso Ltd",
            customer_website="https://contoso.example",
            amount=Decimal("987654.32"),
        )
    approve(ours, other)
    with scope(tenant=ours.tenant):
        other.refresh_from_db()
    taken = client.get(query, HTTP_HX_REQUEST="true").content.decode()
    assert "already protected by another registration until" in taken
    secrets = [
        ours.other_partner.name,
        other.reference,
        "987654",
        "987,654",
        ours.other_partner_rep.user.email,
    ]
    for secret in secrets:
        assert secret not in taken
    # Without htmx the same verdict comes as a page.
    page = client.get(query).content.decode()
    assert "<html" in page
    assert "already protected by another registration" in page

    # Submitting it anyway: a conflict, and the detail page says a CAM will review.
    response = client.post(
        "/deals/new/",
        form_data(
            product,
            customer_name="Contoso Ltd",
            customer_website="contoso.example",
            action="submit",
        ),
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        mine = Deal.objects.get(partner=ours.partner)
        assert mine.status == Deal.Status.SUBMITTED
        assert mine.is_conflict
    detail = client.get(response["Location"]).content.decode()
    assert "A CAM will review your registration." in detail
    for secret in secrets:
        assert secret not in detail


def test_the_precheck_messages_for_pending_and_own_registrations(ours, host_client):
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        registered(ours.other_partner_rep, customer_name="Pending Co", customer_website="pc.ex")
        own = registered(admin, customer_name="Own Co", customer_website="own.example")
    client = host_client(ours.host, rep)
    pending = client.get(
        "/deals/precheck/?customer_name=Pending+Co&customer_website=pc.ex", HTTP_HX_REQUEST="1"
    ).content.decode()
    assert "Another partner registered this customer; it is waiting for a decision." in pending
    # A rep is told the company's registration by reference, without a link they cannot open.
    as_rep = client.get(
        "/deals/precheck/?customer_name=Own+Co&customer_website=own.example", HTTP_HX_REQUEST="1"
    ).content.decode()
    assert "Your company already registered this customer" in as_rep
    assert own.reference in as_rep
    assert f'href="/deals/{own.pk}/"' not in as_rep
    as_admin = (
        host_client(ours.host, admin)
        .get("/deals/precheck/?customer_website=own.example", HTTP_HX_REQUEST="1")
        .content.decode()
    )
    assert f'href="/deals/{own.pk}/"' in as_admin


def test_the_precheck_says_nothing_for_empty_fields(ours, host_client):
    html = (
        rep_client(ours, host_client)
        .get("/deals/precheck/?customer_name=&customer_website=", HTTP_HX_REQUEST="1")
        .content.decode()
    )
    assert "conflict" not in html.lower()
