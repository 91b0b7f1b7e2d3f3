"""Reads of the notification center."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from prm.tenancy.models import Tenant

from . import categories
from .models import Delivery, Notification, NotificationPreference

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User


def notifications_for(*, tenant: Tenant, user: "User") -> QuerySet[Notification]:
    """A member's notifications in one tenant, newest first."""
    return Notification.objects.filter(tenant=tenant, recipient=user).order_by("-created_at", "-id")


def unread_count(*, tenant: Tenant, user: "User") -> int:
    return Notification.objects.filter(tenant=tenant, recipient=user, read_at__isnull=True).count()


def preferences_for(*, tenant: Tenant, user: "User") -> dict[str, str]:
    """category -> delivery for every category, defaults filled in."""
    chosen = dict(
        NotificationPreference.objects.filter(tenant=tenant, user=user).values_list(
            "category", "delivery"
        )
    )
    return {key: chosen.get(key, Delivery.IMMEDIATE) for key in categories.categories()}
