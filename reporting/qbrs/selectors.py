"""Which quarterly business reviews and action items a member sees.

Vendor staff holding `reporting.qbrs.edit` see the reviews of the partners they see (a CAM: the
partners assigned to them). A partner admin sees the company's reviews once shared or final; a
partner user sees the action items they own, and a partner admin every item of the company's
shared or final reviews. Pages find a review or an item through these, so anything else
answers 404.
"""

from django.db.models import Q, QuerySet

from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..models import Qbr, QbrActionItem


def qbrs_visible_to(membership: Membership) -> QuerySet[Qbr]:
    qbrs = Qbr.objects.filter(tenant_id=membership.tenant_id).select_related("partner")
    if membership.partner_id is None:
        if not membership.can("reporting.qbrs.edit"):
            return qbrs.none()
        return qbrs.filter(partner__in=visible_partners(membership))
    if not membership.can("portal.qbrs"):
        return qbrs.none()
    return qbrs.filter(partner_id=membership.partner_id).filter(
        Q(status=Qbr.Status.FINAL) | Q(shared_at__isnull=False)
    )


def action_items_visible_to(membership: Membership) -> QuerySet[QbrActionItem]:
    items = QbrActionItem.objects.filter(tenant_id=membership.tenant_id).select_related(
        "qbr__partner", "owner__user"
    )
    if membership.partner_id is None:
        return items.filter(qbr__in=qbrs_visible_to(membership))
    shown = Q(qbr__status=Qbr.Status.FINAL) | Q(qbr__shared_at__isnull=False)
    own = Q(owner=membership)
    if membership.can("portal.qbrs"):
        return items.filter(partner_id=membership.partner_id).filter(shown)
    if membership.can("portal.qbr_actions"):
        return items.filter(partner_id=membership.partner_id).filter(shown & own)
    return items.none()
