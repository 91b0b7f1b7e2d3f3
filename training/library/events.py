"""Events of the content library (emitted by `training.library.services`)."""

from prm.notifications.events import declare

_ASSET = ("asset", "type")

ASSET_CREATED = declare(
    "training.asset.created", "Staff added an asset to the content library.", placeholders=_ASSET
)
ASSET_CHANGED = declare(
    "training.asset.changed", "Staff changed an asset of the content library.", placeholders=_ASSET
)
#: a draft became visible to the partners it targets
ASSET_PUBLISHED = declare(
    "training.asset.published",
    "An asset of the content library was published to the partners it targets.",
    placeholders=_ASSET,
)
ASSET_GRANTED = declare(
    "training.asset.granted",
    "Staff made an asset visible to a named partner company.",
    placeholders=(*_ASSET, "partner"),
)
ASSET_REVOKED = declare(
    "training.asset.revoked",
    "Staff took back a named partner company's access to an asset.",
    placeholders=(*_ASSET, "partner"),
)
