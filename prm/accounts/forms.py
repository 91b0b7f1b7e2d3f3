"""Forms of the accounts app."""

from typing import Any, cast

from allauth.account.forms import ResetPasswordForm
from allauth.core import context
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prm.forms import Form, FormMixin
from prm.tenancy.models import Membership
from prm.tenancy.roles import PARTNER_ROLES, Role

from .models import User


class TenantResetPasswordForm(FormMixin, ResetPasswordForm):
    """Password reset on a tenant host only ever finds that tenant's members.

    Anyone else is treated like an unknown address, so the page does not reveal membership
    elsewhere (allauth's enumeration prevention then answers the same way for both).
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        tenant = getattr(context.request, "tenant", None)
        if tenant is None:
            self.users: list[Any] = []
        else:
            members = set(
                Membership.objects.filter(
                    tenant=tenant, is_active=True, user__in=[u.pk for u in self.users]
                ).values_list("user_id", flat=True)
            )
            self.users = [u for u in self.users if u.pk in members]
        return email


class PartnerInviteForm(Form):
    """A partner admin invites a colleague into their own company."""

    submit_once = True

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in Role if r in PARTNER_ROLES],
        initial=Role.PARTNER_REP,
        help_text=_("Admins manage the company's users; reps work their own deals."),
    )


class AcceptNewAccountForm(Form):
    """Accepting an invitation as a new user: a name and a password."""

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    @property
    def password(self) -> str:
        return str(self.cleaned_data["password1"])


class AcceptExistingAccountForm(Form):
    """Accepting an invitation with an account one already has (a member of another vendor)."""

    password1 = forms.CharField(
        label=_("Your current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    @property
    def password(self) -> str:
        return str(self.cleaned_data["password1"])


class RoleForm(Form):
    """A partner admin changes a colleague's role within the company."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in PARTNER_ROLES]
    )


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Recorded in the audit log."),
    )


class StaffInviteForm(Form):
    """Vendor staff invite someone: a colleague, or a user of a partner company."""

    submit_once = True

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))
    partner: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Partner company"),
        queryset=None,
        required=False,
        help_text=_("Required for partner admins and reps; leave empty for vendor staff."),
    )

    def __init__(self, *args: Any, roles: list[str], partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Partner roles first: most invitations bring in partner users, and a vendor role
        # must be a deliberate choice, not the default.
        ordered = sorted(roles, key=lambda r: r not in PARTNER_ROLES)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [(r, Role(r).label) for r in ordered]
        role_field.initial = ordered[0]
        if partners is None:
            del self.fields["partner"]
        else:
            cast("forms.ModelChoiceField[Any]", self.fields["partner"]).queryset = partners
