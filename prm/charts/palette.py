"""Series colours: six colours told apart at a glance, from the tenant's brand and neutral greys.

Charts are painted with SVG presentation attributes (`fill="#1f6feb"`), not CSS: the security
headers forbid inline `style=`, and WeasyPrint does not resolve CSS custom properties inside
SVG reliably, so the same markup must carry real colours to render alike in a page and a PDF.
Every colour is a validated `#rrggbb` before it reaches an attribute.
"""

from prm.tenancy.branding import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    WHITE,
    branding_for,
    contrast_ratio,
    mix,
    readable_on,
)
from prm.tenancy.models import Tenant
from prm.tenancy.validators import HEX_COLOUR

#: WCAG 2.1 (1.4.11): graphical objects need 3:1 against what surrounds them
GRAPHIC_CONTRAST = 3.0
#: Bootstrap's neutral greys: what the brand colours are eked out with
GREYS = ("#6c757d", "#343a40", "#495057", "#212529")
BLACK = "#000000"
#: how far apart (RGB distance, 0..441) two series colours must be
MIN_DISTANCE = 60.0
SIZE = 6

Palette = tuple[str, ...]


def checked(palette: Palette) -> Palette:
    """`palette` if every entry is `#rrggbb` (lower-cased), else ValueError: a colour goes into
    an SVG attribute, so nothing but a hex colour may."""
    if not palette:
        raise ValueError("A chart needs at least one colour")
    for colour in palette:
        if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
            raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    return tuple(c.lower() for c in palette)


def _distance(one: str, other: str) -> float:
    a = [int(one[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def derive(primary: str, accent: str) -> Palette:
    """Six distinguishable series colours: the primary, the accent, darker shades of both, then
    neutral greys, each darkened until it reaches 3:1 on white and kept only when it stands
    apart from those chosen before (two similar brand colours still give six distinct ones)."""
    primary, accent = checked((primary, accent))
    candidates = [
        primary,
        accent,
        mix(primary, BLACK, 0.45),
        mix(accent, BLACK, 0.45),
        *GREYS,
        mix(primary, BLACK, 0.7),
        mix(accent, BLACK, 0.7),
        mix(primary, WHITE, 0.35),
        mix(accent, WHITE, 0.35),
    ]
    chosen: list[str] = []
    for candidate in candidates:
        colour = readable_on(candidate, WHITE, GRAPHIC_CONTRAST)
        if all(_distance(colour, c) >= MIN_DISTANCE for c in chosen):
            chosen.append(colour)
        if len(chosen) == SIZE:
            break
    # very close brand colours: fill up with the nearest misses rather than repeat a colour
    for candidate in sorted(
        {readable_on(c, WHITE, GRAPHIC_CONTRAST) for c in candidates} - set(chosen),
        key=lambda c: -min(_distance(c, other) for other in chosen),
    ):
        if len(chosen) == SIZE:
            break
        chosen.append(candidate)
    return checked(tuple(chosen[:SIZE]))


def palette_for(tenant: Tenant) -> Palette:
    """The tenant's series colours (its validated brand colours through `derive`)."""
    branding = branding_for(tenant)
    return derive(branding.primary, branding.accent)


DEFAULT_PALETTE = derive(DEFAULT_PRIMARY, DEFAULT_ACCENT)


def graphic_contrast(colour: str) -> float:
    """The contrast of a series colour with the white page (tests: at least 3:1)."""
    return contrast_ratio(colour, WHITE)
