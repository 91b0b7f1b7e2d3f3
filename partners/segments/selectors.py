"""Evaluating segments: the one definition of "this partner is in that segment".

`segment_q` is the rule as a database filter; `in_segment` answers for one partner in Python
from the same criteria. Later apps target content, courses and forms with these two.
"""

from django.db.models import Q, QuerySet

from ..models import Partner, Segment


def segment_q(segment: Segment, type_ids: set[int] | None = None) -> Q:
    """The segment's rule as a filter on partners (pass `type_ids` if already fetched)."""
    types = type_ids if type_ids is not None else {t.pk for t in segment.partner_types.all()}
    rule = Q()
    if types:
        rule &= Q(partner_type_id__in=types)
    if segment.regions:
        rule &= Q(region__in=segment.regions)
    if segment.industries:
        rule &= Q(industry__in=segment.industries)
    if segment.size_bands:
        rule &= Q(size_band__in=segment.size_bands)
    return rule


def partners_in(segment: Segment) -> QuerySet[Partner]:
    """The segment's partners in its tenant."""
    return Partner.objects.filter(tenant_id=segment.tenant_id).filter(segment_q(segment))


def in_segment(partner: Partner, segment: Segment) -> bool:
    """Whether one partner is in the segment (same rule as `segment_q`, without a query
    beyond the segment's types, which a caller may prefetch)."""
    if partner.tenant_id != segment.tenant_id:
        return False
    types = {t.pk for t in segment.partner_types.all()}
    return (
        (not types or partner.partner_type_id in types)
        and (not segment.regions or partner.region in segment.regions)
        and (not segment.industries or partner.industry in segment.industries)
        and (not segment.size_bands or partner.size_band in segment.size_bands)
    )


def segments_of(partner: Partner) -> list[Segment]:
    """Every segment of the partner's tenant that the partner is in (two queries)."""
    segments = Segment.objects.filter(tenant_id=partner.tenant_id).prefetch_related("partner_types")
    return [s for s in segments if in_segment(partner, s)]
