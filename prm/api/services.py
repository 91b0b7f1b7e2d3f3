"""Creating and revoking API keys."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.audit.services import audit_record
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from . import registry
from .models import ApiKey

#: "prm_" + public id + "_" + secret
TOKEN_PREFIX = "prm_"
#: the placeholder addresses of keys' users: `.invalid` can never receive mail (RFC 2606)
SERVICE_EMAIL_DOMAIN = "api-keys.invalid"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_token(token: str) -> tuple[str, str] | None:
    """(public id, secret) of a well-formed key, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    public_id, sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not sep or len(public_id) != 12 or not public_id.isalnum() or not 20 <= len(secret) <= 64:
        return None
    return public_id, secret


def secret_matches(key: ApiKey, secret: str) -> bool:
    return hmac.compare_digest(key.secret_hash, secret_hash(secret))


def _check_scopes(scopes: dict[str, str]) -> dict[str, str]:
    known = {r.name: r for r in registry.resources()}
    clean = {}
    for name, level in scopes.items():
        if not level:
            continue
        if name not in known or level not in registry.LEVELS:
            raise ValidationError({"scopes": _("Choose read or write for the offered resources.")})
        if level == registry.WRITE and known[name].read_only:
            raise ValidationError(
                {"scopes": _("%(resource)s can only be read.") % {"resource": known[name].label}}
            )
        clean[name] = level
    if not clean:
        raise ValidationError({"scopes": _("Give the key at least one scope.")})
    return clean


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    #: the whole key, shown once and never stored
    token: str


def api_key_create(
    *,
    actor: Membership,
    name: str,
    scopes: dict[str, str],
    expires_at: datetime | None = None,
    rate_limit: int = 600,
) -> NewKey:
    """Create a key with `scopes` (resource -> "read" | "write") for the actor's tenant.

    The key gets its own user and membership (role "API key") to act through: services audit
    its writes with the key as actor and check its capabilities like anyone's. The whole key is
    returned once, in `NewKey.token`; only its hash is kept. Raises `ValidationError` by field.
    """
    if not actor.can("integrations.manage"):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Name the key after what uses it, such as “Salesforce sync”.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if not 1 <= rate_limit <= 100_000:
        errors["rate_limit"] = _("Allow between 1 and 100,000 requests a minute.")
    try:
        scopes = _check_scopes(scopes)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    public_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User(
            email=f"{public_id}@{SERVICE_EMAIL_DOMAIN}",
            full_name=_("API key “%(name)s”") % {"name": name},
            is_service=True,
        )
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            tenant=actor.tenant, user=user, role=Role.INTEGRATION
        )
        key = ApiKey.objects.create(
            tenant=actor.tenant,
            name=name,
            public_id=public_id,
            secret_hash=secret_hash(secret),
            scopes=scopes,
            membership=membership,
            created_by=actor.user,
            expires_at=expires_at,
            rate_limit=rate_limit,
        )
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="api.key.created",
            obj=key,
            after={
                "scopes": scopes,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "rate_limit": rate_limit,
            },
        )
    return NewKey(key=key, token=f"{TOKEN_PREFIX}{public_id}_{secret}")


def api_key_revoke(*, actor: Membership, key: ApiKey, reason: str = "") -> ApiKey:
    """Revoke a key at once: its next request answers 401. Its membership is deactivated, so
    nothing it started can act again. Revoking twice changes nothing."""
    if not actor.can("integrations.manage") or key.tenant_id != actor.tenant_id:
        raise PermissionDenied
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.revoked_by = actor.user
        key.save(update_fields=["revoked_at", "revoked_by"])
        Membership.objects.filter(pk=key.membership_id).update(
            is_active=False, deactivated_at=key.revoked_at
        )
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="api.key.revoked",
            obj=key,
            before={"status": "active"},
            after={"status": "revoked"},
            reason=reason,
        )
    return key
