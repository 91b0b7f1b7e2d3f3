"""The public "Become a partner" page: branded, no login, validated, spam-resistant."""

import re

import pytest
from django_scopes import scope

from partners.models import Application, Partner, RecruitmentSettings
from prm.accounts.models import Invitation
from prm.notifications.models import EmailOutbox
from prm.tenancy.branding import branding_for
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

URL = "/become-a-partner/"
VALID = {
    "company_name": "Contoso Pharma",
    "contact_name": "Carla Contoso",
    "contact_email": "carla@contoso-pharma.example",
    "country": "FR",
    "website": "contoso-pharma.example",
    "region": "emea",
    "industry": "healthcare",
    "size_band": "51-200",
    "annual_revenue": "2000000",
    "sales_staff": "7",
    "years_in_business": "12",
    "about": "We sell to hospitals.",
}


def applications(world, **filters):
    with scope(tenant=world.tenant):
        return list(Application.objects.filter(tenant=world.tenant, **filters))


def configure(world, **settings):
    with scope(tenant=world.tenant):
        for name, value in settings.items():
            setattr(world.recruitment_settings, name, value)
        world.recruitment_settings.save()


@pytest.mark.django_db
def test_the_page_is_public_branded_and_asks_what_the_tenant_chose(ours, host_client):
    configure(
        ours,
        intro="We look for resellers in Europe.",
        asked_fields=["website", "region", "partner_type"],
        required_fields=["region"],
    )
    page = host_client(ours.host).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Become an Ours partner" in html
    assert "We look for resellers in Europe." in html
    assert branding_for(ours.tenant).colours_url in html  # the tenant's colours reach its CSS
    for asked in ("website", "region", "partner_type"):
        assert f'name="{asked}"' in html
    assert ours.partner_type.name in html
    for not_asked in ("phone", "annual_revenue"):
        assert f'name="{not_asked}"' not in html
    assert "Website (optional)" in html
    assert "Region (optional)" not in html


@pytest.mark.django_db
def test_partner_type_choices_are_the_tenants_own(ours, theirs, host_client):
    html = host_client(ours.host).get(URL).content.decode()
    assert ours.partner_type.name in html
    with scope(tenant=theirs.tenant):
        theirs.partner_type.name = "Theirs-only type"
        theirs.partner_type.save()
    assert "Theirs-only type" not in host_client(ours.host).get(URL).content.decode()


@pytest.mark.django_db
def test_a_valid_application_is_recorded_and_leads_to_the_thank_you_page(ours, host_client):
    client = host_client(ours.host)
    response = client.post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == "/become-a-partner/thanks/"
    assert "Thank you for applying" in client.get(response["Location"]).content.decode()
    [app] = applications(ours, company_name="Contoso Pharma")
    assert (app.website, app.sales_staff, app.years_in_business) == (
        "https://contoso-pharma.example",
        7,
        12,
    )
    assert app.ip_address == "127.0.0.1"
    assert app.score is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "not-an-email", "Enter a valid email address."),
        ("company_name", "", "This field is required."),
        ("company_name", "x" * 201, "at most 200 characters"),
        ("country", "XX", "Select a valid choice."),
        ("region", "mars", "Select a valid choice."),
        ("phone", "call me maybe", "Enter a phone number"),
        ("annual_revenue", "-5", "greater than or equal to 0"),
        ("annual_revenue", "1" * 20, "no more than 14 digits"),
        ("sales_staff", "lots", "Enter a whole number."),
        ("about", "y" * 4001, "at most 4000 characters"),
    ],
)
def test_invalid_input_shows_a_message_beside_the_field_and_creates_nothing(
    ours, host_client, field, value, message
):
    response = host_client(ours.host).post(URL, {**VALID, "phone": "+49 30 1234567", field: value})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(
        rf'<div class="invalid-feedback d-block" id="id_{field}_error">(.*?)</div>', html
    )
    assert error is not None, f"no error beside {field}"
    assert message in error.group(1)
    assert 'aria-invalid="true"' in html
    assert applications(ours, company_name__startswith="Contoso") == []
    assert applications(ours, contact_email=VALID["contact_email"]) == []


@pytest.mark.django_db
def test_a_question_the_tenant_requires_must_be_answered(ours, host_client):
    configure(ours, required_fields=["sales_staff", "partner_type"])
    response = host_client(ours.host).post(URL, VALID)
    html = response.content.decode()
    assert 'id="id_sales_staff_error"' not in html  # answered
    assert 'id="id_partner_type_error"' in html
    assert applications(ours, contact_email=VALID["contact_email"]) == []


@pytest.mark.django_db
def test_a_filled_honeypot_shows_the_thank_you_page_but_records_nothing(
    ours, host_client, mailoutbox
):
    response = host_client(ours.host).post(URL, {**VALID, "company_fax": "+1 555 0100"})
    assert response.status_code == 302
    assert response["Location"] == "/become-a-partner/thanks/"
    assert applications(ours, contact_email=VALID["contact_email"]) == []
    with scope(tenant=ours.tenant):
        assert not EmailOutbox.objects.filter(to_email=VALID["contact_email"]).exists()


@pytest.mark.django_db
def test_the_rate_limit_holds_per_address_and_tenant(ours, theirs, host_client):
    client = host_client(ours.host)

    def send(n, client=client, **extra):
        return client.post(URL, {**VALID, "contact_email": f"c{n}@contoso-pharma.example"}, **extra)

    for n in range(5):
        assert send(n).status_code == 302
    refused = send(5)
    assert refused.status_code == 429
    assert "Too many applications" in refused.content.decode()
    assert len(applications(ours, company_name="Contoso Pharma")) == 5
    # Bad input does not count, but is still refused with its messages.
    invalid = client.post(URL, {**VALID, "contact_email": "nope"})
    assert invalid.status_code == 200
    # Another network, or another program from the same network, is not held back.
    assert send(6, REMOTE_ADDR="198.51.100.23").status_code == 302
    assert send(7, client=host_client(theirs.host)).status_code == 302
    assert len(applications(ours, company_name="Contoso Pharma")) == 6
    assert len(applications(theirs, company_name="Contoso Pharma")) == 1


@pytest.mark.django_db
def test_honeypot_posts_count_against_the_rate_limit(ours, host_client):
    client = host_client(ours.host)
    for _ in range(5):
        client.post(URL, {**VALID, "company_fax": "spam"})
    assert client.post(URL, VALID).status_code == 429
    assert applications(ours, contact_email=VALID["contact_email"]) == []


@pytest.mark.django_db
def test_a_closed_program_says_so_and_takes_nothing(ours, host_client):
    configure(ours, is_open=False)
    client = host_client(ours.host)
    page = client.get(URL).content.decode()
    assert "not taking applications right now" in page
    assert ours.tenant.support_email in page
    assert 'name="company_name"' not in page
    client.post(URL, VALID)
    assert applications(ours, contact_email=VALID["contact_email"]) == []


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_form_only_while_applications_are_open(ours, host_client):
    client = host_client(ours.host)
    assert 'href="/become-a-partner/"' in client.get("/accounts/login/").content.decode()
    configure(ours, is_open=False)
    assert 'href="/become-a-partner/"' not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_apply_approve_and_the_contact_joins_as_the_partners_admin(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    """The whole journey through the test client: the applicant applies on the public page,
    partner ops approve in the admin UI, the invitation reaches the contact, who joins."""
    with django_capture_on_commit_callbacks(execute=True):
        assert host_client(ours.host).post(URL, VALID).status_code == 302
    [app] = applications(ours, contact_email=VALID["contact_email"])
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert "Contoso Pharma" in ops.get("/admin/partners/application/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = ops.post(
            f"/admin/partners/application/{app.pk}/approve/",
            {"name": "Contoso Pharma", "partner_type": ours.partner_type.pk},
        )
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(tenant=ours.tenant, name="Contoso Pharma")
        invitation = Invitation.objects.pending().get(email=VALID["contact_email"])
    assert invitation.partner == partner
    assert invitation.role == Role.PARTNER_ADMIN
    mail = next(m for m in mailoutbox if "/invitations/" in m.body)
    assert mail.to == [VALID["contact_email"]]
    link = re.search(r"https?://\S+(/invitations/\S+/)", mail.body).group(1)
    applicant = host_client(ours.host)
    joined = applicant.post(
        link,
        {
            "full_name": "Carla Contoso",
            "password1": "a-Long-unusual-passphrase-42",
            "password2": "a-Long-unusual-passphrase-42",
        },
    )
    assert joined.status_code == 302
    with scope(tenant=ours.tenant):
        membership = Membership.objects.get(tenant=ours.tenant, user__email=VALID["contact_email"])
    assert (membership.role, membership.partner) == (Role.PARTNER_ADMIN, partner)
    assert applicant.get("/").status_code == 200


@pytest.mark.django_db
def test_the_apply_page_invites_to_become_an_acme_cloud_partner(ours, host_client):
    ours.tenant.name = "Acme Cloud"
    ours.tenant.save()
    with scope(tenant=ours.tenant):
        RecruitmentSettings.objects.filter(tenant=ours.tenant).update(is_open=True)
    page = host_client(ours.host).get("/become-a-partner/").content.decode()
    assert "Become an Acme Cloud partner" in page
    assert "Become a Acme" not in page
