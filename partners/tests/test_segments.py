"""Segments: one rule, the same answer as a query and for a single partner."""

import itertools

import pytest
from django_scopes import scope

from partners.models import Partner, PartnerType, Segment
from partners.segments.selectors import in_segment, partners_in, segments_of
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role

REGIONS = ["na", "emea", ""]
INDUSTRIES = ["software", "retail", ""]
SIZES = ["1-10", "1000+", ""]


@pytest.fixture
def grid(ours):
    """A partner for every combination of type, region, industry and size."""
    with scope(tenant=ours.tenant):
        reseller = PartnerType.objects.create(tenant=ours.tenant, name="Grid reseller")
        agency = PartnerType.objects.create(tenant=ours.tenant, name="Grid agency")
        for i, (kind, region, industry, size) in enumerate(
            itertools.product([reseller, agency, None], REGIONS, INDUSTRIES, SIZES)
        ):
            PartnerFactory(
                tenant=ours.tenant,
                name=f"Grid {i}",
                partner_type=kind,
                region=region,
                industry=industry,
                size_band=size,
            )
        return reseller, agency


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("types", "regions", "industries", "sizes"),
    [
        ([], [], [], []),
        (["reseller"], [], [], []),
        ([], ["emea"], [], []),
        (["reseller", "agency"], ["na", "emea"], ["software"], []),
        ([], [], ["retail"], ["1-10", "1000+"]),
        (["agency"], ["na"], ["software"], ["1000+"]),
    ],
)
def test_the_query_and_the_single_partner_answer_agree(
    ours, grid, types, regions, industries, sizes
):
    reseller, agency = grid
    with scope(tenant=ours.tenant):
        segment = Segment.objects.create(
            tenant=ours.tenant,
            name="Probe",
            regions=regions,
            industries=industries,
            size_bands=sizes,
        )
        segment.partner_types.set([{"reseller": reseller, "agency": agency}[t] for t in types])
        by_query = set(partners_in(segment).values_list("pk", flat=True))
        by_partner = {
            p.pk for p in Partner.objects.filter(tenant=ours.tenant) if in_segment(p, segment)
        }
        assert by_query == by_partner
        expected = Partner.objects.filter(tenant=ours.tenant)
        if types:
            expected = expected.filter(partner_type__in=segment.partner_types.all())
        for field, values in (("region", regions), ("industry", industries), ("size_band", sizes)):
            if values:
                expected = expected.filter(**{f"{field}__in": values})
        assert by_query == set(expected.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_partner_knows_its_segments_and_never_another_tenants(ours, theirs):
    with scope(tenant=ours.tenant):
        ours.partner.region = "emea"
        ours.partner.save()
        assert [s.name for s in segments_of(ours.partner)] == ["EMEA"]
        assert not in_segment(ours.partner, theirs.segment)


@pytest.mark.django_db
def test_the_segment_page_previews_only_partners_the_member_sees(ours, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk__in=[ours.partner.pk, ours.other_partner.pk]).update(
            region="emea"
        )
    url = f"/admin/partners/segment/{ours.segment.pk}/change/"
    leader_page = (
        host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(url).content.decode()
    )
    assert "2 partners in this segment" in leader_page
    cam_page = host_client(ours.host, ours.members[Role.CAM]).get(url).content.decode()
    assert "1 partner in this segment" in cam_page
    assert ours.other_partner.name not in cam_page


@pytest.mark.django_db
def test_segments_are_edited_with_tick_boxes_and_validated_choices(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    form = client.get("/admin/partners/segment/add/").content.decode()
    assert 'type="checkbox" name="regions" value="emea"' in form
    assert f'name="partner_types" value="{ours.partner_type.pk}"' in form
    assert f'name="partner_types" value="{theirs.partner_type.pk}"' not in form
    bad = client.post("/admin/partners/segment/add/", {"name": "Bad", "regions": ["mars"]})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    ok = client.post(
        "/admin/partners/segment/add/",
        {
            "name": "Healthcare",
            "industries": ["healthcare"],
            "partner_types": [ours.partner_type.pk],
        },
    )
    assert ok.status_code == 302
    foreign = client.post(
        "/admin/partners/segment/add/",
        {"name": "Sneaky", "partner_types": [theirs.partner_type.pk]},
    )
    assert foreign.status_code == 200
    with scope(tenant=ours.tenant):
        assert Segment.objects.get(name="Healthcare").industries == ["healthcare"]
        assert not Segment.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db
def test_a_read_only_segment_shows_its_criteria_in_words(ours, host_client):
    page = host_client(ours.host, ours.members[Role.CAM]).get(
        f"/admin/partners/segment/{ours.segment.pk}/change/"
    )
    assert "Europe, Middle East and Africa" in page.content.decode()
