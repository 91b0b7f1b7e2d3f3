"""The partner's company page in the portal: who their CAMs are, the profile partner admins
keep (logo through prm.uploads, description, address, website), audited and shown to staff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from PIL import Image

from partners.models import Partner
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.uploads.tests.images import image_bytes, png_of

pytestmark = pytest.mark.django_db

EDIT = "/program/company/edit/"


def _profile(partner: Partner, **changes) -> dict:
    values = {
        "description": partner.description,
        "address": partner.address,
        "website": partner.website,
    }
    return {**values, **changes}


def _admin(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_ADMIN])


def _fresh(partner: Partner) -> Partner:
    with scope(tenant=partner.tenant):
        return Partner.objects.get(pk=partner.pk)


# -- Who the CAMs are -------------------------------------------------------------------------


def test_partners_see_their_cams_name_and_email_on_the_company_page_and_home(ours, host_client):
    cam = ours.members[Role.CAM].user
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_REP):
        client = host_client(ours.host, ours.members[role])
        for path in ("/program/company/", "/"):
            page = client.get(path).content.decode()
            assert cam.get_full_name() in page, (role, path)
            assert f'href="mailto:{cam.email}"' in page, (role, path)


def test_a_company_without_a_cam_is_told_who_to_ask_instead(ours, host_client):
    """Partner B has no CAM assigned in the world: the page says so and names the support."""
    page = host_client(ours.host, ours.other_partner_admin).get("/program/company/")
    html = page.content.decode()
    assert "No account manager is assigned to your company yet" in html
    assert ours.members[Role.CAM].user.email not in html


# -- Editing the profile ----------------------------------------------------------------------


def test_a_partner_admin_changes_the_profile_audited_and_the_cams_told(
    ours, host_client, django_capture_on_commit_callbacks
):
    client = _admin(ours, host_client)
    assert "Edit the profile" in client.get("/program/company/").content.decode()
    # The replaced logo is deleted once committed: let it be this test's own, not the world's.
    with scope(tenant=ours.tenant):
        own = _fresh(ours.partner)
        own.logo.save("logo.png", SimpleUploadedFile("old.png", image_bytes()))
    old_name = own.logo.name
    logo = SimpleUploadedFile("us.png", image_bytes((120, 60)), content_type="image/png")
    data = _profile(
        ours.partner,
        description="We resell cloud software.",
        address="1 Main Street\nSpringfield",
        logo=logo,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EDIT, data, follow=True)
    assert response.redirect_chain[-1][0] == "/program/company/"
    html = response.content.decode()
    assert "Your company profile is saved." in html
    assert "We resell cloud software." in html
    assert "1 Main Street<br>Springfield" in html

    partner = _fresh(ours.partner)
    assert partner.description == "We resell cloud software."
    assert partner.logo.name != old_name
    assert not partner.logo.storage.exists(old_name)
    with partner.logo.open("rb") as stored:
        assert Image.open(stored).size == (120, 60)
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.filter(action="partners.partner.profile_changed").get()
        assert event.actor == ours.members[Role.PARTNER_ADMIN].user
        assert event.after["description"] == "We resell cloud software."
        assert "/" not in str(event.after["logo"])  # whether there is one, never a path
        told = Notification.objects.filter(
            recipient=ours.members[Role.CAM].user, title__contains="changed its company profile"
        ).get()
        assert "the logo, the description and the address" in told.body


def test_the_logo_is_served_to_the_company_and_its_staff_only(ours, theirs, host_client):
    path = "/program/company/logo.png"
    for member in (ours.members[Role.PARTNER_ADMIN], ours.members[Role.PARTNER_REP]):
        response = host_client(ours.host, member).get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "private" in response["Cache-Control"]
    # Another company's users get their own company's logo at the same address, never ours.
    other = host_client(ours.host, ours.other_partner_admin).get(path)
    with _fresh(ours.other_partner).logo.open("rb") as theirs_file:
        assert b"".join(other.streaming_content) == theirs_file.read()
    staff = f"/admin/partners/partner/{ours.partner.pk}/logo.png"
    assert host_client(ours.host, ours.members[Role.CAM]).get(staff).status_code == 200
    unassigned = f"/admin/partners/partner/{ours.other_partner.pk}/logo.png"
    assert host_client(ours.host, ours.members[Role.CAM]).get(unassigned).status_code == 404
    assert host_client(theirs.host, theirs.members[Role.PROGRAM_LEADER]).get(staff).status_code == (
        404
    )
    assert host_client(ours.host).get(path).status_code == 302  # anonymous: sign in first


def test_a_rep_may_not_edit_the_profile(ours, host_client):
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    assert "Edit the profile" not in rep.get("/program/company/").content.decode()
    assert rep.get(EDIT).status_code == 403
    response = rep.post(EDIT, _profile(ours.partner, description="Rep was here"))
    assert response.status_code == 403
    assert _fresh(ours.partner).description != "Rep was here"


def test_another_tenants_member_cannot_reach_the_company_pages(ours, theirs, host_client):
    stranger = host_client(ours.host, theirs.members[Role.PARTNER_ADMIN])
    for path in ("/program/company/", EDIT, "/program/company/logo.png"):
        assert stranger.get(path).status_code in (302, 404), path
    stranger.post(EDIT, _profile(ours.partner, description="Not yours"))
    assert _fresh(ours.partner).description != "Not yours"


def test_an_admin_edits_only_their_own_company(ours, host_client):
    """The URL names no company: partner B's admin changes partner B, whatever they post."""
    client = host_client(ours.host, ours.other_partner_admin)
    client.post(EDIT, {**_profile(ours.other_partner), "description": "B's own words"})
    assert _fresh(ours.other_partner).description == "B's own words"
    assert _fresh(ours.partner).description != "B's own words"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<svg><script>x</script></svg>", "Upload a PNG, JPEG or WebP image."),
        ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Upload a PNG, JPEG or WebP image."),
        ("logo.png", png_of(9400, 9400), "The image is too large: at most 2000 × 2000 pixels"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10), "The file is too large"),
    ],
)
def test_a_bad_logo_is_refused_beside_the_field_and_nothing_changes(
    ours, host_client, name, content, message
):
    before = _fresh(ours.partner)
    data = _profile(before, description="Changed too", logo=SimpleUploadedFile(name, content))
    response = _admin(ours, host_client).post(EDIT, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors["logo"]), errors
    after = _fresh(ours.partner)
    assert (after.logo.name, after.description) == (before.logo.name, before.description)
    with scope(tenant=ours.tenant):
        assert not AuditEvent.objects.filter(action="partners.partner.profile_changed").exists()


def test_removing_the_logo_and_saving_nothing_new(ours, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(address="1 Main Street\nSpringfield")
    client = _admin(ours, host_client)
    # A browser sends the textarea's lines ended by CRLF: still the same address.
    unchanged = _profile(_fresh(ours.partner), address="1 Main Street\r\nSpringfield")
    response = client.post(EDIT, unchanged, follow=True)
    assert "Nothing changed in your company profile." in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not AuditEvent.objects.filter(action="partners.partner.profile_changed").exists()
    client.post(EDIT, {**_profile(ours.partner), "remove_logo": "on"})
    assert not _fresh(ours.partner).logo
    assert client.get("/program/company/logo.png").status_code == 404


def test_staff_see_the_profile_on_the_partner_page(ours, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(
            description="Mid-market reseller.", address="1 Main Street\nSpringfield"
        )
    page = host_client(ours.host, ours.members[Role.CAM]).get(
        f"/admin/partners/partner/{ours.partner.pk}/overview/"
    )
    html = page.content.decode()
    assert "Mid-market reseller." in html
    assert "1 Main Street<br>Springfield" in html
    assert f'src="/admin/partners/partner/{ours.partner.pk}/logo.png?v=' in html


def test_a_re_encoded_logo_drops_what_trails_the_image(ours, host_client):
    payload = image_bytes() + b"<script>alert(1)</script>"
    upload = SimpleUploadedFile("logo.png", payload, content_type="image/png")
    _admin(ours, host_client).post(EDIT, {**_profile(ours.partner), "logo": upload})
    with _fresh(ours.partner).logo.open("rb") as stored:
        data = stored.read()
    assert b"<script>" not in data
    assert Image.open(io.BytesIO(data)).format == "PNG"
