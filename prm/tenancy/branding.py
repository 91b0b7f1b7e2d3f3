"""The tenant's look, made safe to put into CSS and HTML."""

from dataclasses import dataclass

from django.urls import reverse

from prm.tenancy.models import Tenant
from prm.tenancy.validators import HEX_COLOUR

DEFAULT_PRIMARY = "#1f6feb"
DEFAULT_ACCENT = "#0e9f6e"


def _safe_colour(value: str, default: str) -> str:
    # Colours are validated on save; checking again here keeps a bad row from reaching CSS.
    return value if HEX_COLOUR.match(value or "") else default


def _contrast_text(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 150 else "#ffffff"


@dataclass(frozen=True)
class Branding:
    title: str
    name: str
    primary: str
    accent: str
    on_primary: str
    logo_url: str | None
    support_email: str


def branding_for(tenant: Tenant) -> Branding:
    primary = _safe_colour(tenant.primary_colour, DEFAULT_PRIMARY)
    logo_url = None
    if tenant.logo:
        stamp = tenant.logo.name.rsplit("/", 1)[-1]
        logo_url = f"{reverse('portal:logo')}?v={stamp}"
    return Branding(
        title=tenant.portal_title or tenant.name,
        name=tenant.name,
        primary=primary,
        accent=_safe_colour(tenant.accent_colour, DEFAULT_ACCENT),
        on_primary=_contrast_text(primary),
        logo_url=logo_url,
        support_email=tenant.support_email,
    )
