"""Which partner companies a member may see: all, the assigned ones (CAM), or their own.

A CAM's assignment is a django-guardian per-object grant of `partners.manage_partner` on the
partner row; nothing model-wide is ever granted. The partner model belongs to the `partners`
app above this one, so it is reached through the membership relation (`partner_model()`).
"""

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from prm.filters import parse_id

from .models import Membership, partner_model
from .requests import membership_of
from .roles import Role

MANAGE_PARTNER = "partners.manage_partner"


def visible_partners(membership: Membership) -> QuerySet[Any]:
    """The tenant's partner companies this member may see."""
    partners = partner_model().objects.filter(tenant_id=membership.tenant_id)
    if membership.can("partners.view_all"):
        return partners
    if membership.role == Role.CAM:
        return partners.filter(pk__in=assigned_partner_ids(membership))
    if membership.partner_id is not None:
        return partners.filter(pk=membership.partner_id)
    return partners.none()


def assigned_partner_ids(membership: Membership) -> QuerySet[Any]:
    """The ids of the partners assigned to a CAM, as a subquery on guardian's grants.

    Written here rather than with `guardian.shortcuts.get_objects_for_user`, whose SQL compares
    every partner id as text against the grants (and looks at group grants, which the product
    never makes): on a tenant with thousands of partners and hundreds of thousands of deals,
    filtering deals through it cost a nested loop per row. This casts the grants' object ids
    to integers once, so PostgreSQL joins on the key (see bench/ for the measurements).
    """
    app_label, codename = MANAGE_PARTNER.split(".")
    return (
        UserObjectPermission.objects.filter(
            user_id=membership.user_id,
            content_type=ContentType.objects.get_for_model(partner_model()),
            permission__codename=codename,
            permission__content_type__app_label=app_label,
        )
        .annotate(partner_id=Cast("object_pk", BigIntegerField()))
        .values("partner_id")
    )


def partner_rows_visible(membership: Membership, field: str = "partner") -> Q:
    """A filter for rows tied to a partner (memberships, invitations...): vendor-side rows (no
    partner) and the rows of partners the member may see."""
    if membership.can("partners.view_all"):
        return Q()
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": visible_partners(membership)})


class VisiblePartnerFilter(admin.SimpleListFilter):
    """A changelist filter by partner company that offers only the partners the member sees.

    Up to `MAX_CHOICES` of them are listed (a CAM's portfolio); a program leader of thousands
    of partners is not sent thousands of links on every page of a list (half a second of a
    queue's time at 5,000 partners): they search by partner name, and a link that names a
    partner (`?partner=<id>`, from the partner's page) still filters, showing that one.
    """

    title = _("partner company")
    parameter_name = "partner"
    MAX_CHOICES = 100

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        partners = visible_partners(membership_of(request)).order_by("name")
        listed = list(partners.values_list("pk", "name")[: self.MAX_CHOICES + 1])
        if len(listed) > self.MAX_CHOICES:
            chosen = parse_id(self.value() or "")
            listed = list(partners.filter(pk=chosen).values_list("pk", "name")) if chosen else []
        return [(str(pk), name) for pk, name in listed]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(partner_id=self.value())
        return queryset
