"""The tenant settings form: branding values are checked before they can reach a page."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.forms import ModelForm
from prm.uploads.fields import UploadField

from .models import Tenant
from .validators import LOGO, reencode_logo, validate_hex_colour

SETTINGS_FIELDS = [
    "portal_title",
    "logo",
    "primary_colour",
    "accent_colour",
    "support_email",
    "email_sender_name",
    "default_currency",
    "language",
    "time_zone",
    "fiscal_year_start",
    "require_mfa_for_staff",
    "invitation_reminder_days",
    "digest_hour",
    "sla_target_percent",
]


class _LogoValue:
    """What the logo widget shows as the current file: the served logo, not a storage path."""

    def __init__(self, url: str):
        self.url = url

    def __str__(self) -> str:
        return str(_("current logo"))


class LogoInput(forms.ClearableFileInput):
    def format_value(self, value: Any) -> Any:
        if value and getattr(value, "name", None):
            return _LogoValue(reverse("portal:logo"))
        return None


class TenantSettingsForm(ModelForm):
    # Plain fields, so that the one message that explains the rule is the one shown: no length
    # error for a colour; the logo is checked by its UploadField before reencode_logo decodes it.
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        validators=[validate_hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        validators=[validate_hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = UploadField(
        label=_("Logo"),
        rule=LOGO,
        required=False,
        widget=LogoInput,
        help_text=_("PNG, JPEG or WebP, at most 1 MB and 2000 pixels on a side."),
    )

    class Meta:
        model = Tenant
        fields = SETTINGS_FIELDS

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        # Only a fresh upload has `content_type`; the stored file passes through untouched.
        if logo and hasattr(logo, "content_type"):
            return reencode_logo(logo)
        return logo
