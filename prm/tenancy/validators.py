"""Validators for tenant branding: values that end up in CSS, an <img> or an email header must
be inert."""

import io
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

ALLOWED_LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MAX_LOGO_PIXELS = 2000


def validate_hex_colour(value: str) -> None:
    """Accept only `#rrggbb`: anything else could break out of a CSS custom property."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # followed by six hexadecimal digits, for example #1f6feb."),
            code="invalid_colour",
        )


def validate_single_line(value: str) -> None:
    """Refuse line breaks and other control characters: the value goes into an email header
    (a sender's name), where a line break would start a header of the sender's choosing."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value or ""):
        raise ValidationError(
            _("Use one line of ordinary text (no line breaks or control characters)."),
            code="not_single_line",
        )


def reencode_logo(upload: UploadedFile) -> ContentFile:
    """Check an uploaded logo and return it re-encoded.

    Only PNG, JPEG and WebP up to `TENANT_LOGO_MAX_BYTES` and `MAX_LOGO_PIXELS` on a side are
    accepted. Re-encoding drops metadata and anything appended to the image data, so the stored
    file is exactly an image. Raises `ValidationError` with a message for the field.
    """
    limit = settings.TENANT_LOGO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The logo is too large (at most %(size)d KB).") % {"size": limit // 1024},
            code="logo_too_large",
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        image_format = image.format
        image.verify()  # detects truncated or corrupt files
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Upload a PNG, JPEG or WebP image."), code="logo_not_image"
        ) from exc
    if image_format not in ALLOWED_LOGO_FORMATS:
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="logo_not_image")
    if max(image.size) > MAX_LOGO_PIXELS:
        raise ValidationError(
            _("The logo is too large (at most %(px)d pixels on a side).") % {"px": MAX_LOGO_PIXELS},
            code="logo_too_large",
        )
    clean = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")
