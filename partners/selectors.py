"""Reads about partner companies and the program's settings."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from prm.notifications.events import Event
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.roles import Role

from .models import Partner, PartnerSettings, RulesOfEngagement


def partner_settings_for(tenant: Tenant) -> PartnerSettings:
    """The tenant's partner-program settings (a row with the defaults is created the first time
    it is asked for)."""
    found, _created = PartnerSettings.objects.get_or_create(tenant=tenant)
    return found


def rules_of_engagement_for(tenant: Tenant) -> RulesOfEngagement:
    """The tenant's rules of engagement (an empty row is created the first time it is asked
    for: the portal page then says the vendor has not published them yet)."""
    found, _created = RulesOfEngagement.objects.get_or_create(tenant=tenant)
    return found


def _grants(partner_pk: Any) -> QuerySet[UserObjectPermission]:
    return UserObjectPermission.objects.filter(
        permission__codename="manage_partner",
        content_type=ContentType.objects.get_for_model(Partner),
        object_pk=partner_pk,
    )


def partners_for(*, membership: Membership) -> QuerySet[Partner]:
    """The partners a member may see, with their type, tier and CAMs' emails (`cam_emails`)."""
    cams = (
        _grants(Cast(OuterRef("pk"), CharField()))
        .values("object_pk")
        .annotate(emails=ArrayAgg("user__email", order_by="user__email"))
        .values("emails")
    )
    return (
        visible_partners(membership)
        .select_related("partner_type", "tier")
        .annotate(cam_emails=Subquery(cams))
    )


def assigned_cams(*, partner: Partner) -> QuerySet[Membership]:
    """The active CAM memberships of the partner's tenant that manage it."""
    return assigned_cams_of(tenant_id=partner.tenant_id, partner_id=partner.pk)


def assigned_cams_of(*, tenant_id: int, partner_id: int) -> QuerySet[Membership]:
    """The same, from ids (event handlers often have only the partner's id)."""
    user_ids = _grants(str(partner_id)).values("user_id")
    return Membership.objects.filter(
        tenant_id=tenant_id, role=Role.CAM, is_active=True, user_id__in=user_ids
    ).select_related("user")


def cams_of_tenant(*, tenant_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tenant_id=tenant_id, role=Role.CAM, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def event_partner_id(event: Event) -> int | None:
    """The partner company an event is about: `data["partner_id"]`, else its subject's
    `partner_id`, else the subject itself when it is a partner."""
    partner_id = event.data.get("partner_id") or getattr(event.subject, "partner_id", None)
    if partner_id is None and isinstance(event.subject, Partner):
        partner_id = event.subject.pk
    return partner_id
