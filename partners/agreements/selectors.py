"""Reading the partner agreement: the current version, whether a partner accepted it, and the
one gate later apps check before a gated feature (deal registration, MDF).

The writes are in `partners.agreements.services`.
"""

from django.db.models import Exists, OuterRef

from prm.tenancy.models import Tenant

from ..models import AgreementAcceptance, AgreementVersion, Partner
from ..selectors import partner_settings_for


def current_agreement(tenant: Tenant) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(tenant=tenant).order_by("-version").first()


def current_for(partner: Partner) -> AgreementVersion | None:
    """The current version, with `accepted` telling whether the partner accepted it (1 query)."""
    accepted = AgreementAcceptance.objects.filter(partner=partner, agreement=OuterRef("pk"))
    return (
        AgreementVersion.objects.filter(tenant_id=partner.tenant_id)
        .annotate(accepted=Exists(accepted))
        .order_by("-version")
        .first()
    )


def accepted_current(partner: Partner) -> bool:
    current = current_for(partner)
    return current is not None and bool(current.accepted)  # type: ignore[attr-defined]


def agreement_gate(partner: Partner) -> bool:
    """Whether the partner may use gated features (deal registration, MDF): True when the
    program does not require an agreement, or the partner accepted the current version."""
    if not partner_settings_for(partner.tenant).require_agreement:
        return True
    return accepted_current(partner)


def acceptance_of(
    partner: Partner, agreement: AgreementVersion | None
) -> AgreementAcceptance | None:
    if agreement is None:
        return None
    return AgreementAcceptance.objects.filter(partner=partner, agreement=agreement).first()
