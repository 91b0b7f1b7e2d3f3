"""Targeting of the content library: for every combination of segment rules and named grants
in a small matrix, a partner's users see exactly the assets that target them, in the list, in
search results, on the asset's page and in downloads."""

import itertools

import pytest
from django_scopes import scope

from partners.models import Partner, Segment
from prm.tenancy.roles import Role
from tests.worlds import SMALL_PDF
from training.library import grants
from training.library.selectors import LibraryQuery, library_search, visible_assets
from training.library.services import asset_search_refresh
from training.models import Asset

pytestmark = pytest.mark.django_db

#: the segments an asset may name: one partner A is in (EMEA), one it is not (APAC)
SEGMENT_RULES = {"none": [], "in": ["emea"], "out": ["apac"], "both": ["emea", "apac"]}
#: the partners an asset may be granted to by name
GRANTS = {
    "nobody": [],
    "A": ["partner"],
    "B": ["other_partner"],
    "A+B": ["partner", "other_partner"],
}


def expected(segments: str, granted: str, who: str) -> bool:
    """The rule in words: no segment and no name: everyone; else a segment the partner is in,
    or its name. Partner A is in EMEA; partner B in no region (no segment but "none")."""
    in_segment = who == "A" and segments in ("in", "both")
    named = who in granted
    if segments == "none" and granted == "nobody":
        return True
    return in_segment or named


def _asset(world, title: str, segments: list[Segment], named: list[Partner]) -> Asset:
    from django.core.files.base import ContentFile

    asset = Asset(
        tenant=world.tenant, title=title, description="Matrix", type="playbook",
        status=Asset.Status.PUBLISHED, file_name="m.pdf", content_type="application/pdf",
        size=len(SMALL_PDF),
    )  # fmt: skip
    asset.file.save("m.pdf", ContentFile(SMALL_PDF), save=False)
    asset.save()
    asset.segments.set(segments)
    for partner in named:
        grants.grant(partner, asset)
    return asset


@pytest.fixture
def matrix(ours):
    """One asset per combination, titled by it (each title one search word: 'zeta<n>')."""
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(region=Partner.Region.EMEA)
        emea = Segment.objects.create(tenant=ours.tenant, name="M EMEA", regions=["emea"])
        apac = Segment.objects.get(tenant=ours.tenant, name="Asia-Pacific")
        by_region = {"emea": emea, "apac": apac}
        assets = {}
        for n, (seg, granted) in enumerate(itertools.product(SEGMENT_RULES, GRANTS)):
            named = [getattr(ours, attr) for attr in GRANTS[granted]]
            segments = [by_region[r] for r in SEGMENT_RULES[seg]]
            assets[(seg, granted)] = _asset(ours, f"zeta{n} matrix", segments, named)
        asset_search_refresh(Asset.objects.filter(tenant=ours.tenant))
    return assets


COMBINATIONS = list(itertools.product(SEGMENT_RULES, GRANTS))


@pytest.mark.parametrize("who", ["A", "B"])
def test_the_selector_and_search_give_exactly_the_targeted_assets(ours, matrix, who):
    member = ours.members[Role.PARTNER_REP] if who == "A" else ours.other_partner_rep
    with scope(tenant=ours.tenant):
        member.partner.refresh_from_db()  # in EMEA since the fixture
        seen = set(
            visible_assets(member).filter(title__contains="matrix").values_list("pk", flat=True)
        )
        found = set(library_search(member, LibraryQuery(q="matrix")).values_list("pk", flat=True))
    wanted = {a.pk for combo, a in matrix.items() if expected(*combo, who)}
    assert seen == wanted
    assert found == wanted


@pytest.mark.parametrize("role", [Role.PARTNER_REP, Role.PARTNER_ADMIN])
def test_pages_and_downloads_follow_the_matrix(ours, matrix, host_client, role):
    client = host_client(ours.host, ours.members[role])
    listed = client.get("/resources/", {"q": "matrix"}).content.decode()
    for combo, asset in matrix.items():
        sees = expected(*combo, "A")
        assert (f">{asset.title}<" in listed) is sees, combo
        assert client.get(f"/resources/{asset.pk}/").status_code == (200 if sees else 404), combo
        download = client.get(f"/resources/{asset.pk}/download/")
        assert download.status_code == (200 if sees else 404), combo


def test_partner_b_downloads_only_what_targets_it(ours, matrix, host_client):
    client = host_client(ours.host, ours.other_partner_rep)
    for combo, asset in matrix.items():
        status = client.get(f"/resources/{asset.pk}/download/").status_code
        assert status == (200 if expected(*combo, "B") else 404), combo


def test_a_draft_is_seen_by_nobody(ours, host_client):
    with scope(tenant=ours.tenant):
        Asset.objects.filter(pk=ours.asset.pk).update(status=Asset.Status.DRAFT)
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    assert client.get(f"/resources/{ours.asset.pk}/").status_code == 404
    assert client.get(f"/resources/{ours.asset.pk}/download/").status_code == 404


def test_a_new_user_of_a_named_partner_sees_its_asset(ours, host_client):
    from prm.tenancy.tests.factories import partner_membership

    with scope(tenant=ours.tenant):
        newcomer = partner_membership(ours.partner, Role.PARTNER_REP)
    client = host_client(ours.host, newcomer)
    assert client.get(f"/resources/{ours.named_asset.pk}/").status_code == 200


def test_staff_get_no_portal_assets(ours):
    with scope(tenant=ours.tenant):
        assert not visible_assets(ours.members[Role.PARTNER_OPS]).exists()
