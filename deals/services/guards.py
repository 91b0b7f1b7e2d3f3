"""Who may act on a registration, the row and claim locks, and the audit and event helpers."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partners.agreements.selectors import agreement_gate
from partners.models import Partner
from prm.audit.services import audit_record
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..models import Deal

#: first key of the advisory lock that serialises claim decisions within one tenant
CLAIM_LOCK = 0x0DEA1


def lock_deal(deal: Deal) -> Deal:
    """The registration's row, locked until the transaction ends, as it is now."""
    return Deal.objects.select_for_update().get(pk=deal.pk, tenant_id=deal.tenant_id)


def lock_claims(tenant_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CLAIM_LOCK, tenant_id])


def require_partner_user(actor: Membership, deal: Deal) -> None:
    """A user of the deal's company: its admins, or the rep who registered it."""
    mine = actor.is_partner_user and actor.partner_id == deal.partner_id
    if not (mine and actor.tenant_id == deal.tenant_id and actor.can("portal.deals")):
        raise PermissionDenied
    if deal.owner_id != actor.pk and not actor.can("portal.deals.company"):
        raise PermissionDenied


def require_decider(actor: Membership, deal: Deal) -> None:
    """Vendor staff who may decide registrations and who see the deal's partner."""
    if actor.tenant_id != deal.tenant_id or not actor.can("deals.approve"):
        raise PermissionDenied
    if not visible_partners(actor).filter(pk=deal.partner_id).exists():
        raise PermissionDenied


def require_partner_or_decider(actor: Membership, deal: Deal) -> None:
    if actor.is_partner_user:
        require_partner_user(actor, deal)
    else:
        require_decider(actor, deal)


def actor_user(actor: Membership | None) -> Any:
    return actor.user if actor is not None else None


def event_data(deal: Deal, **extra: Any) -> dict[str, Any]:
    """The placeholders every deal event offers (and ids the recipients are found by)."""
    return {
        "deal": deal.reference,
        "customer": deal.customer_name,
        "partner": deal.partner.name,
        "partner_id": deal.partner_id,
        "owner_id": deal.owner_id,
        "amount": money_text(deal.amount, deal.currency),
        **extra,
    }


def money_text(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return f"{formats.number_format(amount, 2, use_l10n=True)} {currency}"


def date_text(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT") if moment else ""


def record(
    deal: Deal,
    actor: Membership | None,
    action: str,
    old_status: str,
    reason: str = "",
    **after: Any,
) -> None:
    audit_record(
        tenant=deal.tenant,
        actor=actor_user(actor),
        action=f"deals.deal.{action}",
        obj=deal,
        before={"status": old_status},
        after={"status": deal.status, **after},
        reason=reason,
    )


def require_gate(partner: Partner) -> None:
    if not agreement_gate(partner):
        raise ValidationError(
            _("Your company must accept the current partner agreement before registering deals.")
        )
