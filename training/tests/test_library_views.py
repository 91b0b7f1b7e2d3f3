"""The portal's Resources: search (stemmed, in the tenant's language) and filters that
combine, featured first, bad query values ignored, engagement recorded once per download, and
private files that answer 404 to anyone the asset does not target."""

import pytest
from django.core.files.base import ContentFile
from django_scopes import scope

from prm.tenancy.roles import Role
from tests.worlds import SMALL_PDF
from training.library.services import asset_search_refresh
from training.models import Asset, AssetEngagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_REP])


def make(world, title, *, description="", tags=(), type="playbook", featured=False, link=""):
    asset = Asset(
        tenant=world.tenant, title=title, description=description, type=type,
        status=Asset.Status.PUBLISHED, tags=list(tags), tag_words=" ".join(tags),
        featured=featured, link=link,
    )  # fmt: skip
    if not link:
        asset.file_name, asset.content_type, asset.size = "f.pdf", "application/pdf", 10
        asset.file.save("f.pdf", ContentFile(SMALL_PDF), save=False)
    asset.save()
    asset_search_refresh(Asset.objects.filter(pk=asset.pk))
    return asset


def titles(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_search_is_stemmed_partners_finds_partner(ours, rep_client):
    with scope(tenant=ours.tenant):
        make(ours, "Onboarding guide", description="For every new reseller of the program")
    page = titles(rep_client.get("/resources/", {"q": "partners"}))
    assert "Onboarding guide" not in page
    assert ours.asset.title in page  # "Partner playbook"
    page = titles(rep_client.get("/resources/", {"q": "resellers"}))
    assert "Onboarding guide" in page
    assert "1 resource" in page


def test_the_title_weighs_more_than_the_description(ours, rep_client):
    with scope(tenant=ours.tenant):
        make(ours, "Aardvark pricing", description="nothing")
        make(ours, "Zebra deck", description="mentions pricing once")
    page = titles(rep_client.get("/resources/", {"q": "pricing"}))
    assert page.index("Aardvark pricing") < page.index("Zebra deck")


def test_filters_combine_with_each_other_and_the_search(ours, rep_client):
    with scope(tenant=ours.tenant):
        make(ours, "Health battle card", tags=["industry:healthcare", "region:emea"],
             type="battle_card")  # fmt: skip
        make(ours, "Health case study", tags=["industry:healthcare"], type="case_study")
        make(ours, "Retail battle card", tags=["industry:retail", "region:emea"],
             type="battle_card")  # fmt: skip
    page = titles(rep_client.get("/resources/", {"industry": "industry:healthcare"}))
    assert "Health battle card" in page
    assert "Health case study" in page
    assert "Retail battle card" not in page
    page = titles(
        rep_client.get("/resources/", {"industry": "industry:healthcare", "type": "battle_card"})
    )
    assert "Health battle card" in page
    assert "Health case study" not in page
    page = titles(
        rep_client.get(
            "/resources/", {"region": "region:emea", "q": "retail", "type": "battle_card"}
        )
    )
    assert "Retail battle card" in page
    assert "Health battle card" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"type": "nonsense"},
        {"industry": "industry:nope"},
        {"tier": "tier:99999999999999999999"},
        {"q": "bad\x00value"},
        {"page": "x"},
        {"page": "99999"},
        {"q": '"unclosed -( & | !'},
    ],
)
def test_a_bad_value_is_left_out_never_a_server_error(ours, rep_client, query):
    page = titles(rep_client.get("/resources/", query))
    assert ours.asset.title in page or "Nothing matches" in page


def test_featured_come_first(ours, rep_client):
    with scope(tenant=ours.tenant):
        make(ours, "Featured deck", featured=True)
    page = titles(rep_client.get("/resources/"))
    assert page.index("Featured deck") < page.index(ours.asset.title)


def test_nothing_matching_says_so_and_offers_the_whole_library(ours, rep_client):
    page = titles(rep_client.get("/resources/", {"q": "xylophone"}))
    assert "Nothing matches your search" in page
    assert 'href="/resources/"' in page


def test_an_empty_library_says_what_to_do(ours, rep_client):
    with scope(tenant=ours.tenant):
        Asset.objects.filter(tenant=ours.tenant).delete()
    page = titles(rep_client.get("/resources/"))
    assert "No resources for your company yet" in page
    assert "Ask your account manager" in page


def test_pages_of_24(ours, rep_client):
    with scope(tenant=ours.tenant):
        for i in range(26):
            make(ours, f"Many {i:02d}")
    first = titles(rep_client.get("/resources/", {"q": "many"}))
    assert "Page 1 of 2" in first
    assert "?page=2&amp;q=many" in first
    second = titles(rep_client.get("/resources/", {"q": "many", "page": "2"}))
    assert second.count('class="card h-100 library-asset') == 2


def count(world, asset, kind):
    with scope(tenant=world.tenant):
        return AssetEngagement.objects.filter(asset=asset, kind=kind).count()


def test_a_download_is_recorded_once_with_partner_and_member(ours, rep_client):
    response = rep_client.get(f"/resources/{ours.asset.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    with scope(tenant=ours.tenant):
        rows = list(AssetEngagement.objects.filter(asset=ours.asset))
    assert [(r.kind, r.partner_id, r.membership_id) for r in rows] == [
        ("download", ours.partner.pk, ours.members[Role.PARTNER_REP].pk)
    ]


def test_the_download_costs_one_insert_for_the_record(
    ours, rep_client, django_assert_max_num_queries
):
    rep_client.get(f"/resources/{ours.asset.pk}/download/")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rep_client.get(f"/resources/{ours.asset.pk}/download/")
    writes = [
        q["sql"] for q in queries if "asset" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert len(writes) == 1
    assert writes[0].startswith('INSERT INTO "training_assetengagement"')


def test_opening_the_page_records_a_view(ours, rep_client):
    page = titles(rep_client.get(f"/resources/{ours.asset.pk}/"))
    assert f'href="/resources/{ours.asset.pk}/download/"' in page
    assert count(ours, ours.asset, "view") == 1
    assert count(ours, ours.asset, "download") == 0


def test_a_link_opens_the_link_and_a_video_plays_in_the_page(ours, rep_client):
    with scope(tenant=ours.tenant):
        video = make(ours, "Tour", type="video", link="https://youtu.be/aqz-KE-bpKQ")
        page_link = make(ours, "Checklist", type="other", link="https://example.com/list")
    page = titles(rep_client.get(f"/resources/{video.pk}/"))
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in page
    opened = rep_client.get(f"/resources/{page_link.pk}/download/")
    assert (opened.status_code, opened["Location"]) == (302, "https://example.com/list")
    assert count(ours, page_link, "download") == 1


def test_files_answer_404_to_another_partner_another_tenant_and_send_anonymous_to_sign_in(
    ours, theirs, rep_client, host_client
):
    assert rep_client.get(f"/resources/{ours.other_asset.pk}/download/").status_code == 404
    assert rep_client.get(f"/resources/{theirs.asset.pk}/download/").status_code == 404
    assert rep_client.get(f"/resources/{theirs.asset.pk}/").status_code == 404
    partner_b = host_client(ours.host, ours.other_partner_rep)
    assert partner_b.get(f"/resources/{ours.named_asset.pk}/download/").status_code == 404
    # another tenant's member on our host is a stranger; ours on theirs too
    stranger = host_client(ours.host, theirs.members[Role.PARTNER_REP])
    assert stranger.get(f"/resources/{ours.asset.pk}/download/").status_code in (302, 403, 404)
    # staff's file URL for another tenant's asset
    staff = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert staff.get(f"/admin/training/asset/{theirs.asset.pk}/file/").status_code == 404
    anonymous = host_client(ours.host).get(f"/resources/{ours.asset.pk}/download/")
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    nothing = count(ours, ours.other_asset, "download") + count(theirs, theirs.asset, "download")
    assert nothing == 0


def test_nothing_of_the_library_is_under_the_public_media_url(ours, settings):
    stored = ours.asset.file
    assert not str(stored.storage.location).startswith(str(settings.MEDIA_ROOT))
    assert stored.name.startswith(f"library/{ours.tenant.pk}/")


def test_staff_are_sent_to_the_admin_ui(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get("/resources/")["Location"] == "/admin/"
