"""Authentication that knows which host it is on, and limits failed attempts."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from prm.tenancy import access_ended
from prm.tenancy.models import Membership

from . import login_limits


class TenantMembershipBackend(AuthenticationBackend):
    """allauth's email + password check, then: is this person allowed on this host?

    On a tenant host only an active member of that tenant may sign in; on the platform host only a
    platform operator. Anyone else gets `None`, which the form reports exactly like a wrong
    password, so the page does not reveal who is a member where; except a member whose company's
    access ended (offboarded, deactivated), who is told so once the password is proven.

    Every sign-in form reaches this method, so the sign-in limits live here
    (`login_limits`): a locked account is refused before its password is checked, a failure is
    counted per account and per address. Their refusals are `ValidationError`s, which
    `django.contrib.auth.authenticate` lets through to the form's `clean()`: the form shows them.
    """

    def authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        login = login_limits.login_of(credentials)
        if login:
            login_limits.refuse_locked_account(request, login)
        user = self._member(request, **credentials)
        if user is None and login and credentials.get("password"):
            login_limits.record_failure(request, login)
        return user

    def _member(self, request: HttpRequest | None, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        # An API key's user has no password; refused here too, whatever is typed.
        if user is None or request is None or user.is_service:
            return None
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return user if user.is_staff else None
        is_member = Membership.objects.filter(tenant=tenant, user=user, is_active=True).exists()
        if not is_member and access_ended.suspended_here(tenant, user):
            # The password is right: its owner learns why, nobody else does.
            raise ValidationError(
                access_ended.access_ended_message(tenant), code="partner_access_ended"
            )
        return user if is_member else None
