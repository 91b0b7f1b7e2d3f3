"""A partner company's access ended (deactivated, offboarded): what becomes of its registrations.

Subscribed to the partners app's lifecycle event (`partners.partner.status_changed`, see
`deals.apps`), so it runs in the transaction that moves the company, after the company's row is
locked. The tenant's rule (`DealSettings.on_partner_exit`) says:

- RELEASE (the default): each open registration (submitted, waiting for information, approved)
  is withdrawn and its claim on the customer ends, so other partners can take the customer; a
  registration recorded as a conflict against it can now be approved. Audited per registration
  ("deals.deal.released", with the reason the company moved).
- FREEZE: the registrations keep their claims until a CAM approves or rejects each, or their
  protection expires; the company's users cannot act on them any more. Audited once, on the
  partner, with the registrations' references ("deals.claims.frozen").

The claim lock is taken first, so a registration the company submits at the same moment is
either refused (`registration._claim_or_conflict` sees the company's access ended) or submitted
before and released here. Nothing comes back when the company returns: a released customer may
have been taken by then; the company registers again.
"""

from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.notifications.events import Event

from ..models import CLAIM_STATUSES, Deal, DealSettings
from ..workflow import DEALS
from .locks import lock_claims


def deals_on_partner_status_changed(event: Event) -> None:
    """Release or freeze the open registrations of a company whose access just ended."""
    partner = event.subject
    if not isinstance(partner, Partner) or not partner.access_ended:
        return
    reason = str(event.data.get("reason") or "")
    rules = lock_claims(event.tenant)  # the rules as they are under the lock
    open_deals = list(
        Deal.objects.filter(tenant=event.tenant, partner=partner, status__in=CLAIM_STATUSES)
        .order_by("pk")
        .only("pk", "tenant")
    )
    if not open_deals:
        return
    if rules.on_partner_exit == DealSettings.PartnerExit.FREEZE:
        audit_record(
            tenant=event.tenant,
            actor=event.actor,
            action="deals.claims.frozen",
            obj=partner,
            after={"registrations": [d.reference for d in open_deals]},
            reason=reason,
        )
        return
    for deal in open_deals:
        DEALS.transition(
            deal,
            "withdraw",
            actor=event.actor,
            event=None,
            audit="deals.deal.released",
            changes={"holds_claim": False},
            reason=reason or _("The partner's access to the program ended."),
        )
