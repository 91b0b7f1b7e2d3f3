"""Who sees which asset, and the library's search.

`visible_assets(membership)` is the one rule; the Resources list, its search, an asset's page
and its download all start from it, so a partner can never download what it cannot see. A
published asset is for a partner when it names no segment and no partner (everyone), or the
partner is in one of its segments (`partners.segments.selectors.segments_of`, the segments'
own rule), or it is granted to the partner by name (`training.library.grants`).

`library_search(membership, query)` is the list a partner gets for a search box and filters
(benchmarks call it directly).
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import BigIntegerField, CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from django.utils import timezone

from partners.models import Partner, PartnerType, Tier
from partners.segments.selectors import segments_of
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from ..models import Asset, AssetEngagement, TagKind
from .grants import asset_grants, group_name

#: PostgreSQL's text-search configuration for each of the product's languages
SEARCH_CONFIGS = {"en": "english", "de": "german", "fr": "french"}


def search_config(tenant: Tenant) -> str:
    """The text-search configuration of the tenant's language (stemming, stop words)."""
    return SEARCH_CONFIGS.get(tenant.language, "simple")


def search_vector(config: str) -> CombinedExpression:
    """An asset's search vector: the title weighs A, the description and the tags' words B."""
    return SearchVector("title", weight="A", config=config) + SearchVector(
        "description", "tag_words", weight="B", config=config
    )


def audience_q(partner: Partner) -> Q:
    """Assets meant for `partner` (two queries for the partner's segments; the rest are
    subqueries of the caller's query).

    Written as `IN` subqueries, not correlated `EXISTS`: PostgreSQL hashes each subquery once
    and probes it per asset, where an `EXISTS` per row cost a lookup per asset and per test
    (a library of 10,000 assets listed in a third of the time)."""
    segment_ids = [s.pk for s in segments_of(partner)]
    through = Asset.segments.through.objects
    granted = asset_grants().annotate(asset_id=Cast("object_pk", BigIntegerField()))
    everyone = ~Q(pk__in=through.values("asset_id")) & ~Q(pk__in=granted.values("asset_id"))
    in_segment = Q(pk__in=through.filter(segment_id__in=segment_ids).values("asset_id"))
    named = Q(pk__in=granted.filter(group__name=group_name(partner.pk)).values("asset_id"))
    return everyone | in_segment | named


def visible_assets(membership: Membership) -> QuerySet[Asset]:
    """The published assets a partner's member may see. Staff and members without a company
    get none here (they use the admin UI)."""
    if membership.partner is None or not membership.can("portal.training"):
        return Asset.objects.none()
    return Asset.objects.filter(
        tenant_id=membership.tenant_id, status=Asset.Status.PUBLISHED
    ).filter(audience_q(membership.partner))


@dataclass(frozen=True)
class LibraryQuery:
    """What a partner asked the library: words and filters (each empty when not asked)."""

    q: str = ""
    type: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.type or self.tags)


def library_search(membership: Membership, query: LibraryQuery | None = None) -> QuerySet[Asset]:
    """The assets the member sees that match `query`: every word (stemmed, in the tenant's
    language; `websearch` syntax: "quoted phrases", -excluded) and every filter. Featured
    first, then by relevance to the words, then the latest."""
    query = query or LibraryQuery()
    assets = visible_assets(membership)
    if query.type:
        assets = assets.filter(type=query.type)
    if query.tags:
        assets = assets.filter(tags__contains=list(query.tags))
    if query.q:
        words = SearchQuery(
            query.q, search_type="websearch", config=search_config(membership.tenant)
        )
        return (
            assets.filter(search=words)
            .annotate(rank=SearchRank(F("search"), words))
            .order_by("-featured", "-rank", "-updated_at", "-id")
        )
    return assets.annotate(rank=Value(0.0)).order_by("-featured", "-updated_at", "-id")


def tag_choices(tenant: Tenant) -> dict[str, list[tuple[str, str]]]:
    """The values each kind of tag can take in the tenant, as (tag, label) pairs (three
    queries: partner types, tiers, the products assets name)."""
    types = PartnerType.objects.filter(tenant_id=tenant.pk).order_by("name")
    tiers = Tier.objects.filter(tenant_id=tenant.pk).order_by("rank", "name")
    return {
        TagKind.INDUSTRY: [(f"industry:{v}", str(lbl)) for v, lbl in Partner.Industry.choices],
        TagKind.PARTNER_TYPE: [(f"type:{t.pk}", t.name) for t in types],
        TagKind.TIER: [(f"tier:{t.pk}", t.name) for t in tiers],
        TagKind.REGION: [(f"region:{v}", str(lbl)) for v, lbl in Partner.Region.choices],
        TagKind.PRODUCT: [(f"product:{p}", p) for p in products_named(tenant)],
    }


def products_named(tenant: Tenant) -> list[str]:
    """The products the tenant's assets are tagged with, sorted (one query)."""
    # The distinct tags of the tenant's assets (a few hundred at most: a tag names a type,
    # tier, region, industry or product), the products among them kept.
    tags = (
        Asset.objects.filter(tenant_id=tenant.pk, tags__len__gt=0)
        .annotate(tag=_unnest("tags"))
        .values_list("tag", flat=True)
        .order_by()
        .distinct()
    )
    products = {t.removeprefix("product:") for t in tags if t.startswith("product:")}
    return sorted(products, key=str.casefold)


def _unnest(name: str) -> Any:
    return Func(F(name), function="unnest", output_field=CharField())


def tag_labels(tags: list[str], choices: dict[str, list[tuple[str, str]]]) -> list[str]:
    """What a partner reads for an asset's tags (tags naming a type or tier since deleted are
    left out)."""
    labels = {tag: label for pairs in choices.values() for tag, label in pairs}
    return [
        labels[t] if t in labels else t.removeprefix("product:")
        for t in tags
        if t in labels or t.startswith("product:")
    ]


def staff_assets(membership: Membership) -> QuerySet[Asset]:
    """Every asset of the tenant, drafts too (staff with `training.view`)."""
    if not membership.can("training.view"):
        return Asset.objects.none()
    return Asset.objects.filter(tenant_id=membership.tenant_id)


def review_due(membership: Membership) -> QuerySet[Asset]:
    """The assets whose review date has come (stale content), oldest first."""
    return (
        staff_assets(membership)
        .filter(review_by__lte=timezone.localdate())
        .order_by("review_by", "id")
    )


@dataclass(frozen=True)
class Engagement:
    views: int
    downloads: int
    partners: int
    #: (partner, views, downloads), the most engaged first, among the partners the member sees
    top: list[tuple[Partner, int, int]]


TOP_PARTNERS = 10


def asset_engagement(asset: Asset, membership: Membership) -> Engagement:
    """How often partners viewed and downloaded `asset`, and which partners most (three
    queries; a CAM's top list holds only their partners, the totals are the asset's)."""
    rows = AssetEngagement.objects.filter(tenant_id=asset.tenant_id, asset=asset)
    totals = rows.order_by().aggregate(
        views=Count("id", filter=Q(kind=AssetEngagement.Kind.VIEW)),
        downloads=Count("id", filter=Q(kind=AssetEngagement.Kind.DOWNLOAD)),
        partners=Count("partner", distinct=True),
    )
    top = (
        rows.filter(partner__in=visible_partners(membership))
        .values("partner")
        .annotate(
            views=Count("id", filter=Q(kind=AssetEngagement.Kind.VIEW)),
            downloads=Count("id", filter=Q(kind=AssetEngagement.Kind.DOWNLOAD)),
            n=Count("id"),
        )
        .order_by("-downloads", "-n", "partner")[:TOP_PARTNERS]
    )
    top_rows = list(top)
    partners = Partner.objects.in_bulk([r["partner"] for r in top_rows]) if top_rows else {}
    return Engagement(
        views=totals["views"],
        downloads=totals["downloads"],
        partners=totals["partners"],
        top=[(partners[r["partner"]], r["views"], r["downloads"]) for r in top_rows],
    )
