"""Who may act on a registration or a lead. Each check raises `PermissionDenied` (or, for the
agreement gate, `ValidationError` with what to do) and returns nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from partners.agreements.selectors import agreement_gate
from partners.models import Partner
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..models import Deal, Lead


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


class AgreementRequired(ValidationError):
    """The company must accept the current partner agreement before it registers deals."""


def require_gate(partner: Partner) -> None:
    """The company accepted the current partner agreement, which registering deals needs
    (`AgreementRequired` otherwise)."""
    if not agreement_gate(partner):
        raise AgreementRequired(
            _("Your company must accept the current partner agreement before registering deals.")
        )


def require_lead_distributor(actor: Membership) -> None:
    """Vendor staff who may create leads and assign them."""
    if actor.is_partner_user or not actor.can("deals.leads"):
        raise PermissionDenied


def require_lead_recipient(actor: Membership, lead: Lead) -> None:
    """A user of the company the lead is assigned to."""
    mine = actor.is_partner_user and lead.partner_id == actor.partner_id
    if not (mine and actor.tenant_id == lead.tenant_id and actor.can("portal.deals")):
        raise PermissionDenied
