"""Who may see and file which MDF rows: the one place every portal page, admin page, file
download and export narrows through.

Vendor staff with `mdf.view` see the requests and claims of the partners they see
(`visible_partners`: everyone's for program leaders and partner ops, the assigned ones for a
CAM). A partner admin (`portal.mdf.company`) sees the company's; a rep sees the requests they
filed and their claims. Fetch with `get_object_or_404(requests_visible_to(member), pk=...)`, so
another tenant's or another partner's row answers 404 like a missing one.
"""

from django.db.models import QuerySet

from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from .models import Allocation, Claim, MdfRequest, ProofFile
from .setup import mdf_settings


def may_request(membership: Membership) -> bool:
    """Whether the member may file requests and claims for their company: partner admins, and
    reps when the tenant allows it (`MdfSettings.reps_may_request`)."""
    if membership.partner_id is None or not membership.can("portal.mdf"):
        return False
    if membership.can("portal.mdf.company"):
        return True
    return mdf_settings(membership.tenant).reps_may_request


def requests_visible_to(membership: Membership) -> QuerySet[MdfRequest]:
    """The tenant's requests this member may see (none for a member without MDF access)."""
    requests = MdfRequest.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("mdf.view"):
        return requests.filter(partner__in=visible_partners(membership))
    if membership.partner_id is None or not membership.can("portal.mdf"):
        return requests.none()
    if membership.can("portal.mdf.company"):
        return requests.filter(partner_id=membership.partner_id)
    return requests.filter(partner_id=membership.partner_id, owner=membership)


def claims_visible_to(membership: Membership) -> QuerySet[Claim]:
    """The tenant's claims this member may see: those of the requests they may see."""
    claims = Claim.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("mdf.view"):
        return claims.filter(partner__in=visible_partners(membership))
    if membership.partner_id is None or not membership.can("portal.mdf"):
        return claims.none()
    if membership.can("portal.mdf.company"):
        return claims.filter(partner_id=membership.partner_id)
    return claims.filter(partner_id=membership.partner_id, request__owner=membership)


def proofs_visible_to(membership: Membership) -> QuerySet[ProofFile]:
    """The proof files this member may download: those of the claims they may see."""
    return ProofFile.objects.filter(
        tenant_id=membership.tenant_id, claim__in=claims_visible_to(membership)
    )


def allocations_visible_to(membership: Membership) -> QuerySet[Allocation]:
    """The allocations (balances) this member may see: staff of the partners they see, partner
    users their own company's."""
    allocations = Allocation.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("mdf.view"):
        return allocations.filter(partner__in=visible_partners(membership))
    if membership.partner_id is None or not membership.can("portal.mdf"):
        return allocations.none()
    return allocations.filter(partner_id=membership.partner_id)
