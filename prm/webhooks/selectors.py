"""What the webhook pages read: a tenant's endpoints (with their latest delivery and failures)
and deliveries, for members who may manage integrations; anything else is none (404)."""

import uuid

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from prm.tenancy.models import Membership

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints_for(membership: Membership) -> QuerySet[WebhookEndpoint]:
    if not membership.can("integrations.manage"):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(tenant_id=membership.tenant_id).select_related(
        "created_by", "disabled_by"
    )


def endpoint_list_for(membership: Membership) -> QuerySet[WebhookEndpoint]:
    """The list: each endpoint with its latest delivery's time and status and its number of
    deliveries failed for good (`last_delivery_at`, `last_delivery_status`, `failed_count`)."""
    latest = WebhookDelivery.objects.filter(
        tenant_id=membership.tenant_id, endpoint=OuterRef("pk")
    ).order_by("-created_at", "-id")
    return (
        endpoints_for(membership)
        .annotate(
            last_delivery_at=Subquery(latest.values("created_at")[:1]),
            last_delivery_status=Subquery(latest.values("status")[:1]),
            failed_count=Count(
                "deliveries",
                filter=Q(deliveries__status=WebhookDelivery.Status.FAILED),
            ),
        )
        .order_by("-created_at", "-id")
    )


def deliveries_for(membership: Membership) -> QuerySet[WebhookDelivery]:
    if not membership.can("integrations.manage"):
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(tenant_id=membership.tenant_id).select_related("endpoint")


def delivery_log(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first (page them: `DeferredJoinPaginator`)."""
    return WebhookDelivery.objects.filter(tenant_id=endpoint.tenant_id, endpoint=endpoint).order_by(
        "-created_at", "-id"
    )


def delivery_get(membership: Membership, pk: str) -> WebhookDelivery | None:
    """The delivery `pk` (its id as written in a URL) if the member may see it, else None."""
    try:
        key = uuid.UUID(pk)
    except (ValueError, TypeError, AttributeError):
        return None
    return deliveries_for(membership).filter(pk=key).first()


def attempts_of(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(tenant_id=delivery.tenant_id, delivery=delivery).order_by(
        "-at", "-id"
    )
