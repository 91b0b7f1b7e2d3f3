"""The public "Become a partner" page of a tenant host: no login, in the tenant's branding.

Spam resistance: a honeypot field (filled in, the visitor sees the thank-you page and nothing
is recorded), a limit of applications per network address and tenant (allauth's rate limiter on
the shared cache; ACCOUNT_RATE_LIMITS["partner_application"]), and a length limit on every field.
"""

from typing import Any

from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.boundfield import BoundField
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.forms import ModelForm, errors_to_form
from prm.security.client_ip import client_ip, client_network
from prm.tenancy.decorators import public
from prm.tenancy.requests import TenantRequest, posted

from ..models import Application, ApplicationField, PartnerType, RecruitmentSettings
from ..recruitment.selectors import recruitment_settings_for
from ..recruitment.services import application_submit

RATE_LIMIT_ACTION = "partner_application"
#: the honeypot: hidden from people, irresistible to form-filling bots
HONEYPOT = "company_fax"

CONTACT_FIELDS = ("contact_name", "contact_email", "phone")


class ApplicationForm(ModelForm):
    """The core questions, plus the optional ones the tenant asks (and requires)."""

    submit_once = True

    # Declared with no rows: the class is built outside any tenant scope (see __init__).
    partner_type = forms.ModelChoiceField(
        label=gettext_lazy("Partner type sought"),
        queryset=PartnerType.objects.none(),
        required=False,
    )
    website = forms.URLField(
        label=gettext_lazy("Website"), max_length=200, required=False, assume_scheme="https"
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()./-]{5,40}$",
                gettext_lazy("Enter a phone number: digits, spaces and + ( ) - . / only."),
            )
        ],
    )

    class Meta:
        model = Application
        fields = [
            "company_name",
            "contact_name",
            "contact_email",
            "country",
            *ApplicationField.values,
        ]
        widgets = {"about": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, settings: RecruitmentSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tenant = settings.tenant
        for name in ApplicationField.values:
            if name not in settings.asked_fields:
                del self.fields[name]
            else:
                self.fields[name].required = name in settings.required_fields
        if "partner_type" in self.fields:
            types = self.fields["partner_type"]
            assert isinstance(types, forms.ModelChoiceField)
            types.queryset = PartnerType.objects.filter(tenant=tenant)
        if "annual_revenue" in self.fields:
            self.fields["annual_revenue"].label = _("Annual revenue (%(currency)s)") % {
                "currency": tenant.default_currency
            }
        self.fields["contact_email"].help_text = _(
            "Your work address: we reply there, and invite you there when we approve."
        )
        autocomplete = {
            "company_name": "organization",
            "contact_name": "name",
            "contact_email": "email",
            "country": "country",
            "website": "url",
            "phone": "tel",
        }
        for name, field in self.fields.items():
            if name in autocomplete:
                field.widget.attrs["autocomplete"] = autocomplete[name]
            if not field.required:
                field.label = _("%(label)s (optional)") % {"label": field.label}

    def company_fields(self) -> list[BoundField]:
        return [f for f in self.visible_fields() if f.name not in CONTACT_FIELDS]

    def contact_fields(self) -> list[BoundField]:
        return [f for f in self.visible_fields() if f.name in CONTACT_FIELDS]


def _within_rate_limit(request: TenantRequest) -> bool:
    """Count one application from this address on this tenant; False once over the limit."""
    key = f"{request.tenant.pk}:{client_network(request)}"
    return ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=key)


@public
def apply(request: TenantRequest) -> HttpResponse:
    tenant = request.tenant
    settings = recruitment_settings_for(tenant)
    if not settings.is_open:
        return render(request, "partners/recruitment/closed.html")
    if request.method == "POST" and request.POST.get(HONEYPOT):
        _within_rate_limit(request)  # a bot's tries count against its address too
        return redirect("recruitment:thanks")
    form = ApplicationForm(posted(request), settings=settings)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _within_rate_limit(request):
            form.add_error(
                None,
                _(
                    "Too many applications were sent from your network in the last hour. "
                    "Please try again later."
                ),
            )
            status = 429
        else:
            try:
                application_submit(
                    tenant=tenant,
                    answers=form.cleaned_data,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return redirect("recruitment:thanks")
    return render(
        request,
        "partners/recruitment/apply.html",
        {"form": form, "settings": settings, "honeypot": HONEYPOT},
        status=status,
    )


@public
def thanks(request: TenantRequest) -> HttpResponse:
    return render(request, "partners/recruitment/thanks.html")
