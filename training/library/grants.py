"""An asset restricted to named partner companies: django-guardian per-object grants.

Guardian grants go to users or groups; a partner company is neither. Each company that is
granted an asset is stood for by one auth `Group` named `partner-<id>` (ids are unique across
tenants), and the grant is `training.see_asset` on the asset to that group. Nobody is added
to the group: who belongs to the company is its memberships, and `visible_assets` finds the
grants by the group's name, so a user who joins the company later sees the asset too and one
who leaves stops seeing it, with nothing to keep in step. Nothing model-wide is ever granted.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, QuerySet
from django.db.models.functions import Cast
from guardian.models import GroupObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from partners.models import Partner

from ..models import Asset

SEE_ASSET = "training.see_asset"


def group_name(partner_id: int) -> str:
    return f"partner-{partner_id}"


def partner_group(partner: Partner) -> Group:
    """The group standing for `partner` in grants (created the first time it is needed)."""
    return Group.objects.get_or_create(name=group_name(partner.pk))[0]


def asset_grants() -> QuerySet[GroupObjectPermission]:
    """Every `see_asset` grant on assets (narrow it by asset or group)."""
    return GroupObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Asset),
        permission__codename=SEE_ASSET.split(".")[1],
    )


def grants_of_outer_asset() -> QuerySet[GroupObjectPermission]:
    """The grants on the asset of the enclosing query (for `Exists`); guardian keeps the
    object's key as text, so the asset's key is cast once rather than every grant's."""
    return asset_grants().filter(object_pk=Cast(OuterRef("pk"), CharField()))


def granted_partner_ids(asset: Asset) -> list[int]:
    """The ids of the partner companies `asset` is granted to by name."""
    names = asset_grants().filter(object_pk=str(asset.pk)).values_list("group__name", flat=True)
    return sorted(int(n.removeprefix("partner-")) for n in names if n.startswith("partner-"))


def grant(partner: Partner, asset: Asset) -> Any:
    return assign_perm(SEE_ASSET, partner_group(partner), asset)


def revoke(partner: Partner, asset: Asset) -> None:
    remove_perm(SEE_ASSET, partner_group(partner), asset)
