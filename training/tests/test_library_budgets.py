"""The Resources pages (list, search, filters, an asset, a download) and the staff's library
pages cost the same number of queries whatever the number of assets, segments, named grants
and engagement rows (no N+1)."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Segment
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from tests.worlds import SMALL_PDF
from training.library import grants
from training.library.services import asset_search_refresh
from training.models import Asset, AssetEngagement

SMALL, LARGE = 4, 24
pytestmark = pytest.mark.xdist_group("budgets-library")

ASSET = "{asset}"
PAGES = [
    # (url, role, budget)
    # the session and membership (5), the partner's segments (2), partner types, tiers and
    # products named (the filters' choices, 3), the count and the page; a rep's pages read too
    # whether the tenant shows reps their earnings (the Earnings entry of the navigation)
    ("/resources/", Role.PARTNER_REP, 13),
    ("/resources/", Role.PARTNER_ADMIN, 12),
    ("/resources/?q=playbooks", Role.PARTNER_REP, 13),
    ("/resources/?q=grown&industry=industry:healthcare&type=playbook", Role.PARTNER_REP, 13),
    ("/resources/?page=2", Role.PARTNER_REP, 13),
    # the asset, the tags' labels (3), the view recorded (one INSERT)
    (f"/resources/{ASSET}/", Role.PARTNER_REP, 13),
    # the session and membership, the segments, the asset, the download recorded (one INSERT),
    # and whether the tenant shows reps their earnings
    (f"/resources/{ASSET}/download/", Role.PARTNER_REP, 9),
    ("/admin/training/asset/", Role.PARTNER_OPS, 8),
    ("/admin/training/asset/", Role.CAM, 8),
    ("/admin/training/asset/?review=due&q=grown", Role.PARTNER_OPS, 8),
    (f"/admin/training/asset/{ASSET}/change/", Role.PARTNER_OPS, 15),
    (f"/admin/training/asset/{ASSET}/engagement/", Role.PARTNER_OPS, 9),
    (f"/admin/training/asset/{ASSET}/engagement/", Role.CAM, 9),
    (f"/admin/training/asset/{ASSET}/partners/", Role.PARTNER_OPS, 10),
]


def grow(world, start: int, end: int) -> None:
    """Assets for partner A's segment, for another, named to A or B, tagged; each viewed and
    downloaded by both partners' reps; more partners engaging with the world's asset."""
    tenant = world.tenant
    rep, other = world.members[Role.PARTNER_REP], world.other_partner_rep
    today = timezone.localdate()
    with scope(tenant=tenant):
        # The asset measured stays partner A's while other partners are named on it.
        grants.grant(world.partner, world.asset)
        emea = Segment.objects.get_or_create(tenant=tenant, name="Budget EMEA", regions=["emea"])[0]
        apac = Segment.objects.get(tenant=tenant, name="Asia-Pacific")
        for i in range(start, end):
            asset = Asset(
                tenant=tenant, title=f"Grown playbook {i}", description="For partners",
                type="playbook", status=Asset.Status.PUBLISHED, featured=i % 5 == 0,
                tags=["industry:healthcare", f"product:P{i}"], tag_words="Healthcare",
                review_by=today, file_name="g.pdf", content_type="application/pdf", size=10,
            )  # fmt: skip
            asset.file.save("g.pdf", ContentFile(SMALL_PDF), save=False)
            asset.save()
            asset.segments.set([emea if i % 2 else apac])
            grants.grant(world.partner if i % 3 else world.other_partner, asset)
            for member in (rep, other):
                for kind in ("view", "download"):
                    AssetEngagement.objects.create(
                        tenant=tenant, asset=asset, kind=kind, partner=member.partner,
                        membership=member,
                    )  # fmt: skip
            partner = Partner.objects.create(tenant=tenant, name=f"Grown partner {i}")
            AssetEngagement.objects.create(
                tenant=tenant, asset=world.asset, kind="download", partner=partner
            )
            grants.grant(partner, world.asset)
        asset_search_refresh(Asset.objects.filter(tenant=tenant))


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            Partner.objects.filter(pk=world.partner.pk).update(region=Partner.Region.EMEA)
        clients = Clients(world)

        def measure() -> dict:
            pages = [(url, role) for url, role, _budget in PAGES]
            return count_all(
                pages,
                lambda p: page_queries(clients[p[1]], p[0].format(asset=world.asset.pk)),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_library_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
