"""Writing the content library.

- `asset_save`: staff with `training.manage` add or change an asset (its tags' words and
  search vector kept with it); publishing a draft is announced as `training.asset.published`.
- `asset_feature`: show an asset first under Resources, or stop.
- `asset_grant` / `asset_revoke`: make an asset visible to a named partner company, or take
  it back (`training.library.grants`).
- `engagement_record`: a partner's member viewed or downloaded an asset.

Every staff change is audited (`log_action`, or `audit_record` where nobody is told).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from ..models import Asset, AssetEngagement
from . import events, grants
from .selectors import search_config, search_vector, tag_choices, tag_labels


def _may_manage(actor: Membership, asset: Asset) -> None:
    if not actor.can("training.manage") or asset.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("You may not change the content library."))


def _data(asset: Asset) -> dict[str, object]:
    return {"asset": asset.title, "asset_id": asset.pk, "type": asset.get_type_display()}


def asset_search_refresh(assets: "object") -> int:
    """Recompute the search vector of `assets` (a queryset of one tenant's assets) in one
    UPDATE; returns how many. Services call it after each save; a bulk load calls it once."""
    first = assets.select_related("tenant").first()  # type: ignore[attr-defined]
    if first is None:
        return 0
    return assets.update(search=search_vector(search_config(first.tenant)))  # type: ignore[attr-defined]


def tag_words(asset: Asset) -> str:
    """The words of an asset's tags as partners read them (a type's or tier's name, a
    region's), for its search vector."""
    if not asset.tags:
        return ""
    return " ".join(tag_labels(list(asset.tags), tag_choices(asset.tenant)))


def asset_save(*, actor: Membership, asset: Asset) -> Asset:
    """Save `asset` as staff edited it (its segments are the form's to save after).

    Raises `PermissionDenied` without `training.manage` or for another tenant's asset. Audited
    as `training.asset.created` or `.changed`, and `training.asset.published` when a draft
    (or a new asset) becomes published.
    """
    _may_manage(actor, asset)
    creating = asset.pk is None
    with transaction.atomic():
        was = None if creating else Asset.objects.filter(pk=asset.pk).values("status").first()
        asset.tags = sorted(set(asset.tags or []))
        asset.tag_words = tag_words(asset)
        asset.updated_by = actor
        asset.save()
        asset_search_refresh(Asset.objects.filter(tenant_id=asset.tenant_id, pk=asset.pk))
        event = events.ASSET_CREATED if creating else events.ASSET_CHANGED
        log_action(event=event, tenant=asset.tenant, actor=actor.user, obj=asset, data=_data(asset))
        published_now = asset.status == Asset.Status.PUBLISHED and (
            was is None or was["status"] != Asset.Status.PUBLISHED
        )
        if published_now:
            log_action(
                event=events.ASSET_PUBLISHED,
                tenant=asset.tenant,
                actor=actor.user,
                obj=asset,
                data=_data(asset),
                before={"status": was["status"]} if was else None,
                after={"status": asset.status},
            )
    return asset


def asset_feature(*, actor: Membership, asset: Asset, featured: bool) -> Asset:
    """Show `asset` first under Resources (`featured=True`), or stop. Audited."""
    _may_manage(actor, asset)
    with transaction.atomic():
        asset = lock_row(asset)
        if asset.featured == featured:
            return asset
        asset.featured = featured
        asset.updated_by = actor
        asset.save(update_fields=["featured", "updated_by", "updated_at"])
        audit_record(
            tenant=asset.tenant,
            actor=actor.user,
            action="training.asset.featured" if featured else "training.asset.unfeatured",
            obj=asset,
            before={"featured": not featured},
            after={"featured": featured},
        )
    return asset


def _partner_of(actor: Membership, partner: Partner) -> Partner:
    if partner.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("This partner is not in your program."))
    return partner


def asset_grant(*, actor: Membership, asset: Asset, partner: Partner) -> None:
    """Make `asset` visible to `partner` by name (its users see it once it is published,
    whatever its segments). Granting twice changes nothing. Audited and emitted as
    `training.asset.granted`."""
    _may_manage(actor, asset)
    _partner_of(actor, partner)
    with transaction.atomic():
        asset = lock_row(asset)
        if partner.pk in grants.granted_partner_ids(asset):
            return
        grants.grant(partner, asset)
        log_action(
            event=events.ASSET_GRANTED,
            tenant=asset.tenant,
            actor=actor.user,
            obj=asset,
            data=_data(asset) | {"partner": partner.name, "partner_id": partner.pk},
            after={"partner": partner.name},
        )


def asset_revoke(*, actor: Membership, asset: Asset, partner: Partner) -> None:
    """Take back `partner`'s named access to `asset` (it may still see it through a segment).
    Audited and emitted as `training.asset.revoked`."""
    _may_manage(actor, asset)
    _partner_of(actor, partner)
    with transaction.atomic():
        asset = lock_row(asset)
        if partner.pk not in grants.granted_partner_ids(asset):
            return
        grants.revoke(partner, asset)
        log_action(
            event=events.ASSET_REVOKED,
            tenant=asset.tenant,
            actor=actor.user,
            obj=asset,
            data=_data(asset) | {"partner": partner.name, "partner_id": partner.pk},
            before={"partner": partner.name},
        )


def engagement_record(*, actor: Membership, asset: Asset, kind: str) -> AssetEngagement:
    """Record that a partner's member viewed or downloaded `asset`: one INSERT, no counter
    read or locked, so a download waits on nothing (the staff's figures are counted when
    read). The caller found `asset` through `visible_assets`."""
    if actor.partner_id is None or asset.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("Only a partner's members are counted."))
    return AssetEngagement.objects.create(
        tenant_id=asset.tenant_id,
        asset=asset,
        kind=kind,
        partner_id=actor.partner_id,
        membership=actor,
    )
