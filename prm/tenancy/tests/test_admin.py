"""The vendor admin UI shows only the host tenant's rows and follows the capability registry."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from PIL import Image, ImageFile

from prm.accounts.models import Invitation
from prm.audit.models import AuditEvent
from prm.tenancy.branding import branding_for
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role
from prm.uploads.tests.images import png_of


def option_values(html: str, select_name: str) -> set[str]:
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return {v for v in re.findall(r'<option value="([^"]*)"', select) if v}


@pytest.mark.django_db
def test_an_id_of_the_other_tenant_in_an_admin_url_is_not_found(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert client.get(f"/admin/partners/partner/{ours.partner.pk}/change/").status_code == 200
    assert client.get(f"/admin/partners/partner/{theirs.partner.pk}/change/").status_code == 404


@pytest.mark.django_db
def test_changelists_list_only_the_tenants_rows(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get("/admin/tenancy/membership/").content.decode()
    assert ours.members[Role.PARTNER_REP].user.email in page
    assert theirs.members[Role.PARTNER_REP].user.email not in page
    search = client.get("/admin/partners/partner/", {"q": "partner"}).content.decode()
    assert ours.partner.name in search
    assert theirs.partner.name not in search


@pytest.mark.django_db
def test_foreign_key_choices_offer_only_the_tenants_rows(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = client.get("/admin/accounts/invitation/add/").content.decode()
    assert option_values(html, "partner") == {str(ours.partner.pk), str(ours.other_partner.pk)}


@pytest.mark.django_db
def test_a_foreign_partner_posted_into_an_admin_form_is_refused(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.post(
        "/admin/accounts/invitation/add/",
        {"email": "sneaky@example.test", "role": Role.PARTNER_REP, "partner": theirs.partner.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not Invitation.objects.filter(email="sneaky@example.test").exists()


@pytest.mark.django_db
def test_the_tenant_is_set_on_rows_added_in_the_admin(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(
        "/admin/partners/partner/add/", {"name": "Added Ltd", "status": "onboarding", "website": ""}
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        from partners.models import Partner

        added = Partner.objects.get(name="Added Ltd")
        assert added.tenant == ours.tenant
        assert AuditEvent.objects.filter(
            action="partners.partner.created", object_id=str(added.pk)
        ).exists()


@pytest.mark.django_db
def test_a_cam_cannot_reach_tenant_settings_but_partner_ops_can(ours, host_client):
    url = f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/"
    assert host_client(ours.host, ours.members[Role.CAM]).get(url).status_code == 403
    assert host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(url).status_code == 200
    index = host_client(ours.host, ours.members[Role.CAM]).get("/admin/").content.decode()
    assert "tenantsettings" not in index


@pytest.mark.django_db
def test_history_panel_shows_the_audit_trail_of_the_object(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(f"/admin/partners/partner/{ours.partner.pk}/change/").content.decode()
    # The world's seeded event, an action no app registers a phrase for: read from its code.
    seeded = f"The system: seeded — {ours.partner.name}"
    assert seeded in page
    history = client.get(f"/admin/partners/partner/{ours.partner.pk}/history/").content.decode()
    assert seeded in history


@pytest.mark.django_db
def test_the_admin_ui_wears_the_tenants_colours_and_title(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    page = client.get("/admin/").content.decode()
    colours = branding_for(ours.tenant).colours_url
    assert f'href="{colours}"' in page
    assert "css/admin-brand.css" in page
    sheet = client.get(colours).content.decode()
    assert f"--brand-primary: {ours.tenant.primary_colour.lower()};" in sheet
    assert ours.tenant.portal_title in page


def png_bytes(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format="PNG")
    return out.getvalue()


def settings_form(tenant: Tenant, **overrides) -> dict:
    data = {
        "portal_title": tenant.portal_title,
        "primary_colour": tenant.primary_colour,
        "accent_colour": tenant.accent_colour,
        "support_email": tenant.support_email,
        "default_currency": tenant.default_currency,
        "language": tenant.language,
        "time_zone": tenant.time_zone,
        "fiscal_year_start": tenant.fiscal_year_start,
        "invitation_reminder_days": tenant.invitation_reminder_days,
        "digest_hour": tenant.digest_hour,
        "sla_target_percent": tenant.sla_target_percent,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_colour_that_is_not_hex_is_refused_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/"
    evil = "red;}</style><script>alert(1)</script>"
    response = client.post(url, settings_form(ours.tenant, primary_colour=evil))
    assert response.status_code == 200
    html = response.content.decode()
    assert "six hexadecimal digits" in html
    assert "<script>alert(1)</script>" not in html
    ours.tenant.refresh_from_db()
    assert ours.tenant.primary_colour == "#123456"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "logo.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>",
            "image/png",
        ),
        ("logo.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ],
)
def test_a_logo_that_is_not_a_png_jpeg_or_webp_is_refused(
    ours, host_client, name, content, content_type
):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    before = ours.tenant.logo.name
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(
        f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/",
        {**settings_form(ours.tenant), "logo": upload},
    )
    assert response.status_code == 200
    assert "Upload a PNG, JPEG or WebP image." in response.content.decode()
    ours.tenant.refresh_from_db()
    assert ours.tenant.logo.name == before


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # a 24 KB "decompression bomb": Pillow itself refuses to open it
        (20000, 10000, "The image is too large: at most 2000 × 2000 pixels."),
        # under Pillow's own limit, but 88 million pixels: decoding it took 340 MB
        (
            9400,
            9400,
            "The image is too large: at most 2000 × 2000 pixels (this one is 9400 × 9400).",
        ),
    ],
)
@pytest.mark.django_db
def test_a_logo_too_large_to_decode_is_refused_beside_the_field_before_decoding(
    ours, host_client, monkeypatch, width, height, message
):
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda im: decoded.append(im.size) or load(im))
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    before = ours.tenant.logo.name
    upload = SimpleUploadedFile("logo.png", png_of(width, height), content_type="image/png")
    response = client.post(
        f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/",
        {**settings_form(ours.tenant), "logo": upload},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [message]
    assert decoded == []
    ours.tenant.refresh_from_db()
    assert ours.tenant.logo.name == before


@pytest.mark.django_db
def test_a_valid_logo_is_re_encoded_and_the_change_audited(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    payload = png_bytes() + b"<script>trailing junk</script>"
    upload = SimpleUploadedFile("brand.png", payload, content_type="image/png")
    response = client.post(
        f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/",
        {**settings_form(ours.tenant, primary_colour="#0a0b0c"), "logo": upload},
    )
    assert response.status_code == 302
    ours.tenant.refresh_from_db()
    assert ours.tenant.primary_colour == "#0a0b0c"
    stored = ours.tenant.logo.read()
    assert stored.startswith(b"\x89PNG")
    assert b"<script>" not in stored
    served = host_client(ours.host).get("/branding/logo.png")
    assert served["Content-Type"] == "image/png"
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="tenancy.settings.changed")
        assert event.before["primary_colour"] == "#123456"
        assert event.after["primary_colour"] == "#0a0b0c"


@pytest.mark.django_db
def test_the_portal_shows_the_tenants_title_and_colours(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    page = client.get("/").content.decode()
    assert ours.tenant.portal_title in page
    colours = branding_for(ours.tenant).colours_url
    assert f'href="{colours}"' in page
    sheet = client.get(colours).content.decode()
    assert f"--brand-primary: {ours.tenant.primary_colour.lower()};" in sheet
    assert theirs.tenant.portal_title not in page
    login = host_client(ours.host).get("/accounts/login/").content.decode()
    assert ours.tenant.portal_title in login


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "greater than or equal to 1"),
        ("101", "less than or equal to 100"),
        ("abc", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_an_sla_target_outside_1_to_100_is_refused_beside_the_field(
    ours, host_client, value, message
):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/"
    form = settings_form(ours.tenant, sla_target_percent=value, portal_title="Changed title")
    response = client.post(url, form)
    assert response.status_code == 200
    errors = response.context_data["adminform"].form.errors
    assert list(errors) == ["sla_target_percent"]
    assert message in errors["sla_target_percent"][0]
    assert message in response.content.decode()
    saved = Tenant.objects.get(pk=ours.tenant.pk)
    assert saved.sla_target_percent == 90
    assert saved.portal_title != "Changed title"  # nothing of the form was saved


@pytest.mark.django_db
def test_the_sla_target_is_saved_from_the_settings_page(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/"
    response = client.post(url, settings_form(ours.tenant, sla_target_percent="75"))
    assert response.status_code == 302
    assert Tenant.objects.get(pk=ours.tenant.pk).sla_target_percent == 75
