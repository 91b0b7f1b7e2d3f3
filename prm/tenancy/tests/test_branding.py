"""The tenant's colours stay readable whatever the tenant picks (WCAG 2.1 AA), and reach both
UIs through one stylesheet."""

import itertools
import re

import pytest
from django.core.exceptions import ValidationError

from prm.tenancy.branding import Palette, branding_for, email_from, email_reply_to
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role
from prm.tenancy.validators import validate_single_line

AA = 4.5


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance, computed here independently of the code under test."""
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_helper_agrees_with_wcags_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # just passes


TENANT_COLOURS = {
    "light yellow": "#fff68f",
    "dark navy": "#001f3f",
    "mid grey": "#808080",
    "the grey where black and white tie": "#777777",
    "pure yellow": "#ffff00",
    "Acme blue": "#0b5cad",
    "Globex purple": "#7c3aed",
    "Globex green": "#10b981",
    "white": "#ffffff",
    "black": "#000000",
}


@pytest.mark.parametrize("colour", TENANT_COLOURS.values(), ids=TENANT_COLOURS.keys())
def test_button_text_meets_wcag_aa_on_the_tenants_colour(colour):
    palette = branding_for(Tenant(name="X", primary_colour=colour, accent_colour=colour)).palette
    # a primary button, at rest, hovered and pressed: the same text colour on each shade
    assert contrast(palette.on_primary, palette.primary) >= AA
    assert contrast(palette.on_primary, palette.primary_hover) >= AA
    assert contrast(palette.on_primary, palette.primary_active) >= AA
    # links, outline buttons and "you are here" markers on white; on the admin's dark theme
    assert contrast(palette.link, "#ffffff") >= AA
    assert contrast(palette.link_hover, "#ffffff") >= AA
    assert contrast(palette.link_on_dark, "#121212") >= AA
    # text on the pale tint of selected rows, and on the accent colour
    assert contrast(palette.on_primary_subtle, palette.primary_subtle) >= AA
    assert contrast(palette.on_accent, palette.accent) >= AA


def test_every_colour_a_tenant_can_pick_gets_readable_text():
    """4,096 colours across the whole cube (every 17th step of each channel)."""
    steps = range(0, 256, 17)
    for r, g, b in itertools.product(steps, steps, steps):
        colour = f"#{r:02x}{g:02x}{b:02x}"
        palette = Palette.of(colour, colour)
        assert contrast(palette.on_primary, palette.primary) >= AA, colour
        assert contrast(palette.on_primary, palette.primary_hover) >= AA, colour
        assert contrast(palette.link, "#ffffff") >= AA, colour
        assert contrast(palette.link_on_dark, "#121212") >= AA, colour


def test_a_colour_that_is_readable_already_is_kept_as_it_is():
    navy = Palette.of("#001f3f", "#10b981")
    assert navy.link == "#001f3f"
    assert navy.on_primary == "#ffffff"
    yellow = Palette.of("#fff68f", "#10b981")
    assert yellow.on_primary == "#000000"
    assert yellow.link != "#fff68f"  # darkened for white, but still a yellow-brown
    assert int(yellow.link[1:3], 16) > int(yellow.link[5:7], 16)


def test_the_colour_stylesheet_lists_the_palette_and_changes_its_url_with_the_colours():
    tenant = Tenant(name="X", primary_colour="#0b5cad", accent_colour="#f59e0b")
    variables = branding_for(tenant).palette.css_variables()
    assert variables["--brand-primary"] == "#0b5cad"
    assert variables["--brand-on-primary"] == "#ffffff"
    assert variables["--brand-primary-rgb"] == "11, 92, 173"
    assert all(re.fullmatch(r"#[0-9a-f]{6}|\d+, \d+, \d+", v) for v in variables.values())
    other = Tenant(name="X", primary_colour="#7c3aed", accent_colour="#f59e0b")
    assert branding_for(tenant).palette.version != branding_for(other).palette.version


@pytest.mark.django_db
def test_both_uis_link_the_tenants_colour_stylesheet(ours, host_client):
    colours = branding_for(ours.tenant).colours_url
    for role, path in ((Role.PARTNER_REP, "/"), (Role.CAM, "/admin/"), (None, "/accounts/login/")):
        member = ours.members[role] if role else None
        page = host_client(ours.host, member).get(path).content.decode()
        assert f'<link rel="stylesheet" href="{colours}">' in page, path
    response = host_client(ours.host).get(colours)  # public: the sign-in page needs it
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    assert f"--brand-primary: {ours.tenant.primary_colour.lower()};" in response.content.decode()


def test_emails_come_from_the_vendor_by_name_at_the_platforms_address(settings):
    settings.PLATFORM_NAME = "PRM"
    settings.DEFAULT_FROM_EMAIL = "noreply@prm.example"
    tenant = Tenant(name="Acme Cloud", support_email="partners@acme.test")
    assert email_from(tenant) == "Acme Cloud via PRM <noreply@prm.example>"
    assert email_reply_to(tenant) == ["partners@acme.test"]
    tenant.email_sender_name = "Acme Partner Team"
    assert email_from(tenant) == "Acme Partner Team <noreply@prm.example>"
    # Only once the operator set it (the domain lets the platform send for it).
    tenant.email_sender_address = "partners@acme.test"
    assert email_from(tenant) == "Acme Partner Team <partners@acme.test>"
    assert email_reply_to(Tenant(name="No support")) == []


def test_a_sender_name_cannot_start_a_header_of_its_own():
    with pytest.raises(ValidationError):
        validate_single_line("Acme\r\nBcc: everyone@example.test")
    validate_single_line("Acme Cloud — Partner Team")
    # A row written around the validator still yields one line.
    tenant = Tenant(name="Acme", email_sender_name="Acme\nBcc: x@example.test")
    assert "\n" not in email_from(tenant)


@pytest.mark.django_db
def test_the_colour_stylesheet_costs_only_the_hosts_lookup(
    ours, host_client, django_assert_num_queries
):
    client = host_client(ours.host)
    with django_assert_num_queries(1):  # TenantDomain → Tenant: the palette is computed
        client.get(branding_for(ours.tenant).colours_url)
