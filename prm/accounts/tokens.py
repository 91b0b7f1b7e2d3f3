"""Invitation links: a signed (invitation id, nonce). The database alone cannot forge one."""

import secrets

from django.core import signing

from .models import Invitation

TOKEN_SALT = "prm.accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=TOKEN_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to, in the current tenant scope; None if the link is bad.

    Only the signature and nonce are checked here; whether the invitation can still be accepted
    is `Invitation.status`.
    """
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    invitation = (
        Invitation.objects.select_related("partner", "invited_by").filter(pk=data["i"]).first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))):
        return None
    return invitation
