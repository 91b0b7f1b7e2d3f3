"""The partner page's "Training" section (`prm.workspace.partner_page`): which courses the
partner's users started and completed."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection

from .paths.selectors import partner_certifications
from .selectors import partner_enrolments

#: enrolments listed by name
SHOWN = 8


def training_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Courses completed and in progress by the partner's users, the latest by name, and
    their certifications with expiry (3 queries)."""
    enrolments = partner_enrolments(partner, membership)
    counts = enrolments.order_by().aggregate(
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        going=Count("id", filter=Q(completed_at__isnull=True)),
        learners=Count("membership", distinct=True),
    )
    return PartnerSection(
        key="training",
        title=gettext_lazy("Training"),
        template="admin/training/overview/training.html",
        column="side",
        context={
            "counts": counts,
            "latest": list(enrolments[:SHOWN]),
            "certifications": partner_certifications(partner, membership, SHOWN),
        },
    )
