"""Authentication that knows which host it is on."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from prm.tenancy.models import Membership


class TenantMembershipBackend(AuthenticationBackend):
    """allauth's email + password check, then: is this person allowed on this host?

    On a tenant host only an active member of that tenant may sign in; on the platform host only a
    platform operator. Anyone else gets `None`, which the form reports exactly like a wrong
    password, so the page does not reveal who is a member where.
    """

    def authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is None or request is None:
            return None
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return user if user.is_staff else None
        is_member = Membership.objects.filter(tenant=tenant, user=user, is_active=True).exists()
        return user if is_member else None
