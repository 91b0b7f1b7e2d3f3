"""The content library in the admin UI: an asset with a file (checked by content and size) or
a link, its tags and segments; named partners granted and revoked after a confirmation;
featuring; the review-due list and card; engagement; who may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from partners.models import Segment
from prm.audit.models import AuditEvent
from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role
from prm.workspace.todo import todo_cards
from tests.worlds import SMALL_PDF
from training.library.forms import ASSET_FILE_RULE
from training.library.grants import granted_partner_ids
from training.library.selectors import LibraryQuery, library_search
from training.models import Asset, AssetEngagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def asset_data(**fields):
    return {
        "title": "Healthcare battle card",
        "description": "Beat the incumbent in hospitals.",
        "type": "battle_card",
        "link": "",
        "status": "published",
        "review_by": "",
        "products": "",
        "form_token": new_token(),
        **fields,
    }


def pdf(name="card.pdf", content=SMALL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_ops_add_a_file_asset_with_tags_and_a_segment_found_by_search(ours, ops_client):
    with scope(tenant=ours.tenant):
        segment = Segment.objects.get(tenant=ours.tenant, name="EMEA")
    data = asset_data(
        file=pdf(), industries=["industry:healthcare"], regions=["region:emea"],
        partner_types=[f"type:{ours.partner_type.pk}"], tiers=[f"tier:{ours.tier.pk}"],
        products="Acme Cloud, Analytics", segments=[str(segment.pk)],
    )  # fmt: skip
    response = ops_client.post("/admin/training/asset/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(tenant=ours.tenant):
        asset = Asset.objects.get(title="Healthcare battle card")
        assert list(asset.segments.all()) == [segment]
        assert asset.tags == sorted(
            ["industry:healthcare", "region:emea", f"type:{ours.partner_type.pk}",
             f"tier:{ours.tier.pk}", "product:Acme Cloud", "product:Analytics"]
        )  # fmt: skip
        assert asset.file_name == "card.pdf"
        assert asset.content_type == "application/pdf"
        assert asset.updated_by == ours.members[Role.PARTNER_OPS]
        # the tags' words are searched: the partner type's name, the region's
        query = LibraryQuery(q="hospital Reseller")
        Segment.objects.filter(pk=segment.pk).update(regions=[])  # partner A in it now
        found = library_search(ours.members[Role.PARTNER_REP], query)
        assert asset in found
        actions = set(
            AuditEvent.objects.filter(tenant=ours.tenant, object_id=str(asset.pk)).values_list(
                "action", flat=True
            )
        )
    assert actions == {"training.asset.created", "training.asset.published"}
    assert not str(asset.file.storage.location).startswith("media")


def test_a_link_asset_and_a_file_and_a_link_at_once_refused(ours, ops_client):
    response = ops_client.post(
        "/admin/training/asset/add/",
        asset_data(file=pdf(), link="https://example.com/deck"),
    )
    assert response.status_code == 200
    assert "Give a file or a link, not both." in response.content.decode()
    response = ops_client.post("/admin/training/asset/add/", asset_data())
    assert "Upload the asset&#x27;s file, or give a link below." in response.content.decode()
    response = ops_client.post("/admin/training/asset/add/", asset_data(link="javascript:alert(1)"))
    assert response.status_code == 200
    response = ops_client.post(
        "/admin/training/asset/add/", asset_data(link="https://example.com/deck")
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Asset.objects.get(title="Healthcare battle card").link == "https://example.com/deck"


def test_a_file_of_another_kind_or_too_large_is_refused_and_nothing_stored(ours, ops_client):
    fake = SimpleUploadedFile("card.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")
    response = ops_client.post("/admin/training/asset/add/", asset_data(file=fake))
    assert response.status_code == 200
    big = pdf(content=SMALL_PDF + b"0" * (ASSET_FILE_RULE.max_bytes + 1))
    response = ops_client.post("/admin/training/asset/add/", asset_data(file=big))
    assert response.status_code == 200
    assert "The file is too large: at most 10 MB." in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not Asset.objects.filter(title="Healthcare battle card").exists()


def test_granting_and_revoking_a_named_partner_are_confirmed_and_audited(ours, ops_client):
    asset = ours.asset
    page = ops_client.get(f"/admin/training/asset/{asset.pk}/partners/")
    assert page.status_code == 200
    assert "No partner by name" in page.content.decode()
    response = ops_client.post(
        f"/admin/training/asset/{asset.pk}/partners/",
        {"partner": str(ours.other_partner.pk)},
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert granted_partner_ids(asset) == [ours.other_partner.pk]
    url = f"/admin/training/asset/{asset.pk}/partners/{ours.other_partner.pk}/revoke/"
    confirm = ops_client.get(url)
    assert "will no longer see this asset by name" in confirm.content.decode()
    with scope(tenant=ours.tenant):
        assert granted_partner_ids(asset) == [ours.other_partner.pk]  # a GET changes nothing
    assert ops_client.post(url, {}).status_code == 302
    with scope(tenant=ours.tenant):
        assert granted_partner_ids(asset) == []
        actions = list(
            AuditEvent.objects.filter(tenant=ours.tenant, object_id=str(asset.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions[-2:] == ["training.asset.granted", "training.asset.revoked"]


def test_another_tenants_partner_cannot_be_granted(ours, theirs, ops_client):
    response = ops_client.post(
        f"/admin/training/asset/{ours.asset.pk}/partners/", {"partner": str(theirs.partner.pk)}
    )
    assert response.status_code == 200  # the choice does not exist here
    with scope(tenant=ours.tenant):
        assert granted_partner_ids(ours.asset) == []


def test_featuring_is_confirmed(ours, ops_client):
    url = f"/admin/training/asset/{ours.asset.pk}/feature/"
    assert "Featured assets come first" in ops_client.get(url).content.decode()
    assert ops_client.post(url, {}).status_code == 302
    with scope(tenant=ours.tenant):
        assert Asset.objects.get(pk=ours.asset.pk).featured
    assert "The asset stays in the library" in ops_client.get(url).content.decode()


def test_the_review_due_list_and_card(ours, ops_client):
    today = timezone.localdate()
    with scope(tenant=ours.tenant):
        Asset.objects.filter(pk=ours.asset.pk).update(review_by=today)
        Asset.objects.filter(pk=ours.other_asset.pk).update(
            review_by=today + timezone.timedelta(days=3)
        )
        cards = {c.key: c for c in todo_cards(ours.members[Role.PARTNER_OPS])}
    card = cards["library-review"]
    assert [(line.count, line.url) for line in card.lines] == [
        (1, "/admin/training/asset/?review=due")
    ]
    assert [r.title for r in card.rows] == [ours.asset.title]
    page = ops_client.get("/admin/training/asset/?review=due").content.decode()
    assert ours.asset.title in page
    assert ours.other_asset.title not in page
    assert "Due " in page


def test_the_review_card_says_what_happens_when_nothing_is_due(ours):
    with scope(tenant=ours.tenant):
        card = {c.key: c for c in todo_cards(ours.members[Role.PARTNER_OPS])}["library-review"]
    assert not card.shown_lines
    assert "No asset is due for review" in str(card.empty)


def test_the_list_shows_engagement_and_the_engagement_page_top_partners(ours, host_client):
    with scope(tenant=ours.tenant):
        for kind, member in [
            ("view", ours.members[Role.PARTNER_REP]),
            ("download", ours.members[Role.PARTNER_REP]),
            ("download", ours.other_partner_rep),
        ]:
            AssetEngagement.objects.create(
                tenant=ours.tenant, asset=ours.asset, kind=kind, partner=member.partner,
                membership=member,
            )  # fmt: skip
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = ops.get(f"/admin/training/asset/{ours.asset.pk}/engagement/").content.decode()
    assert "Views: <strong>1</strong>" in page
    assert "Downloads or opens: <strong>2</strong>" in page
    assert ours.partner.name in page
    assert ours.other_partner.name in page
    # a CAM's top list holds only their partners (partner A), the totals stay the asset's
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(f"/admin/training/asset/{ours.asset.pk}/engagement/").content.decode()
    assert ours.partner.name in page
    assert ours.other_partner.name not in page
    listing = ops.get("/admin/training/asset/?o=4").content.decode()
    assert ours.asset.title in listing


def test_the_admin_search_is_stemmed(ours, ops_client):
    page = ops_client.get("/admin/training/asset/", {"q": "playbooks"}).content.decode()
    assert ours.asset.title in page


def test_staff_download_a_draft_and_a_cam_may_not_change(ours, host_client):
    with scope(tenant=ours.tenant):
        Asset.objects.filter(pk=ours.asset.pk).update(status=Asset.Status.DRAFT)
    cam = host_client(ours.host, ours.members[Role.CAM])
    response = cam.get(f"/admin/training/asset/{ours.asset.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert cam.get(f"/admin/training/asset/{ours.asset.pk}/feature/").status_code == 403
    assert cam.get(f"/admin/training/asset/{ours.asset.pk}/partners/").status_code == 403


def test_a_file_asset_becomes_a_link_and_back(ours, ops_client):
    url = f"/admin/training/asset/{ours.asset.pk}/change/"
    response = ops_client.post(url, asset_data(title="Now a link", link="https://example.com/a"))
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(tenant=ours.tenant):
        asset = Asset.objects.get(pk=ours.asset.pk)
    assert (asset.link, asset.file.name, asset.file_name) == ("https://example.com/a", "", "")
    response = ops_client.post(url, asset_data(title="A file again", file=pdf("again.pdf")))
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        asset = Asset.objects.get(pk=ours.asset.pk)
    assert (asset.link, asset.file_name) == ("", "again.pdf")


def test_an_asset_both_file_and_link_is_refused_beside_the_form_not_a_server_error(ours):
    from django.core.exceptions import ValidationError

    with scope(tenant=ours.tenant):
        asset = Asset.objects.get(pk=ours.asset.pk)
        asset.link = "https://example.com/both"
        with pytest.raises(ValidationError) as refused:
            asset.validate_constraints()
    assert "An asset is a file or a link, not both." in str(refused.value)
