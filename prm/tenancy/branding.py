"""The tenant's look, made safe to put into CSS and HTML, and readable whatever colours it picks.

A vendor picks two colours. Everything the portal and the admin UI paint with them is derived
here, once, so that text stays readable (WCAG 2.1 AA: a contrast ratio of at least 4.5:1 for
text) whatever was picked, light yellow or dark navy:

- text on a coloured surface (a button, a badge, the navigation bar) is black or white,
  whichever contrasts more with that colour (one of them always reaches 4.5:1);
- a link or a "you are here" marker on white is the primary colour, darkened just enough to
  reach 4.5:1 against white (a dark primary is used as it is); on the admin UI's dark theme it
  is lightened instead;
- hover shades move away from the text colour, so that hovering never lowers the contrast.

`Palette.css_variables()` is what both base templates emit (through the `portal:colours`
stylesheet); static/css/brand.css maps them onto Bootstrap's and Django admin's variables.
"""

import hashlib
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.urls import reverse

from prm.tenancy.models import Tenant
from prm.tenancy.validators import HEX_COLOUR
from prm.text import one_line

DEFAULT_PRIMARY = "#1f6feb"
DEFAULT_ACCENT = "#0e9f6e"
WHITE = "#ffffff"
BLACK = "#000000"
#: Django admin's dark theme body background (admin/css/dark_mode.css)
ADMIN_DARK_BG = "#121212"
#: WCAG 2.1 AA for normal text
AA_TEXT = 4.5

RGB = tuple[int, int, int]


def _safe_colour(value: str, default: str) -> str:
    # Colours are validated on save; checking again here keeps a bad row from reaching CSS.
    return value.lower() if HEX_COLOUR.match(value or "") else default


def _rgb(hex_colour: str) -> RGB:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour (0 for black, 1 for white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    a, b = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (always at least 4.58:1)."""
    return (
        BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE
    )


def mix(colour: str, towards: str, share: float) -> str:
    """`colour` moved `share` (0..1) of the way towards `towards`, channel by channel."""
    a, b = _rgb(colour), _rgb(towards)
    r, g, bl = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return _hex((r, g, bl))


def readable_on(colour: str, background: str, ratio: float = AA_TEXT) -> str:
    """`colour` as text on `background`: itself if it reaches `ratio`, else darkened (on a light
    background) or lightened (on a dark one) in small steps until it does."""
    if contrast_ratio(colour, background) >= ratio:
        return colour
    towards = BLACK if text_on(background) == BLACK else WHITE
    for step in range(1, 21):
        candidate = mix(colour, towards, step / 20)
        if contrast_ratio(candidate, background) >= ratio:
            return candidate
    return towards


def _shade(colour: str, text: str, share: float) -> str:
    """A hover or pressed shade of `colour` that moves away from its `text` colour."""
    return mix(colour, BLACK if text == WHITE else WHITE, share)


@dataclass(frozen=True)
class Palette:
    """Every colour the UI paints with, derived from the tenant's primary and accent."""

    primary: str
    on_primary: str  # text on the primary colour
    primary_hover: str
    primary_active: str
    link: str  # links, outline buttons, "you are here" on white
    link_hover: str
    link_on_dark: str  # the same on the admin UI's dark theme
    primary_subtle: str  # a pale tint for selected rows and subtle backgrounds
    on_primary_subtle: str
    accent: str
    on_accent: str

    @classmethod
    def of(cls, primary: str, accent: str) -> "Palette":
        on_primary = text_on(primary)
        link = readable_on(primary, WHITE)
        subtle = mix(primary, WHITE, 0.85)
        return cls(
            primary=primary,
            on_primary=on_primary,
            primary_hover=_shade(primary, on_primary, 0.15),
            primary_active=_shade(primary, on_primary, 0.25),
            link=link,
            link_hover=mix(link, BLACK, 0.25),
            link_on_dark=readable_on(primary, ADMIN_DARK_BG),
            primary_subtle=subtle,
            on_primary_subtle=readable_on(link, subtle),
            accent=accent,
            on_accent=text_on(accent),
        )

    def css_variables(self) -> dict[str, str]:
        """The custom properties static/css/brand.css builds on (`--brand-<name>`)."""
        values = {
            "primary": self.primary,
            "primary-rgb": ", ".join(str(c) for c in _rgb(self.primary)),
            "on-primary": self.on_primary,
            "primary-hover": self.primary_hover,
            "primary-active": self.primary_active,
            "link": self.link,
            "link-rgb": ", ".join(str(c) for c in _rgb(self.link)),
            "link-hover": self.link_hover,
            "link-on-dark": self.link_on_dark,
            "primary-subtle": self.primary_subtle,
            "on-primary-subtle": self.on_primary_subtle,
            "accent": self.accent,
            "on-accent": self.on_accent,
        }
        return {f"--brand-{name}": value for name, value in values.items()}

    @property
    def version(self) -> str:
        """Changes whenever a colour does: the stylesheet's URL carries it, so browsers may
        keep the stylesheet for long and still see a new colour at once."""
        return hashlib.sha256(f"{self.primary}{self.accent}".encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Branding:
    title: str
    name: str
    primary: str
    accent: str
    on_primary: str
    logo_url: str | None
    support_email: str
    palette: Palette

    @property
    def theme_class(self) -> str:
        """The base templates' body class: whether text on the primary colour is dark (a light
        primary) or light, for the few marks CSS cannot recolour (a checkbox's tick)."""
        dark = self.palette.on_primary == BLACK
        return "brand-on-primary-dark" if dark else "brand-on-primary-light"

    @property
    def colours_url(self) -> str:
        """The tenant's colour stylesheet (both base templates link it)."""
        return f"{reverse('portal:colours')}?v={self.palette.version}"


def branding_for(tenant: Tenant) -> Branding:
    primary = _safe_colour(tenant.primary_colour, DEFAULT_PRIMARY)
    accent = _safe_colour(tenant.accent_colour, DEFAULT_ACCENT)
    palette = Palette.of(primary, accent)
    logo_url = None
    if tenant.logo:
        stamp = tenant.logo.name.rsplit("/", 1)[-1]
        logo_url = f"{reverse('portal:logo')}?v={stamp}"
    return Branding(
        title=tenant.portal_title or tenant.name,
        name=tenant.name,
        primary=primary,
        accent=accent,
        on_primary=palette.on_primary,
        logo_url=logo_url,
        support_email=tenant.support_email,
        palette=palette,
    )


def email_from(tenant: Tenant) -> str:
    """The From of the program's emails: `Acme Cloud via PRM <noreply@platform>`.

    The name is the vendor's (its sender name, else "<vendor> via <platform>"); the address is
    the platform's unless the operator set the vendor's own (only once its domain authorises
    the platform to send for it: receivers would otherwise reject or flag the mail).
    """
    name = tenant.email_sender_name.strip() or f"{tenant.name} via {settings.PLATFORM_NAME}"
    # One line only: the name goes into a header (the field's validator refuses breaks too).
    return formataddr((one_line(name), tenant.email_sender_address or settings.DEFAULT_FROM_EMAIL))


def email_reply_to(tenant: Tenant) -> list[str]:
    """Where replies to the program's emails go: the vendor's support address, when it has one
    (never the platform's no-reply address)."""
    return [tenant.support_email] if tenant.support_email else []
