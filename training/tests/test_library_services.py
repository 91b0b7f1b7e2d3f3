"""The library's services: who may change assets, the search vector kept with each save in
the tenant's language, grants that are per object and per company, and engagement recorded
with one INSERT."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from guardian.models import GroupObjectPermission, UserObjectPermission

from prm.tenancy.roles import Role
from training.library.selectors import LibraryQuery, library_search, search_config
from training.library.services import (
    asset_feature,
    asset_grant,
    asset_revoke,
    asset_save,
    engagement_record,
)
from training.models import Asset, AssetEngagement

pytestmark = pytest.mark.django_db


def new_asset(world, **fields):
    return Asset(
        tenant=world.tenant,
        title=fields.pop("title", "Partner onboarding checklist"),
        type="other",
        link="https://example.com/checklist",
        status=fields.pop("status", Asset.Status.PUBLISHED),
        **fields,
    )


@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_REP, Role.PARTNER_ADMIN])
def test_only_staff_who_manage_training_change_the_library(ours, role):
    member = ours.members[role]
    with scope(tenant=ours.tenant):
        with pytest.raises(PermissionDenied):
            asset_save(actor=member, asset=new_asset(ours))
        with pytest.raises(PermissionDenied):
            asset_feature(actor=member, asset=ours.asset, featured=True)
        with pytest.raises(PermissionDenied):
            asset_grant(actor=member, asset=ours.asset, partner=ours.partner)


def test_another_tenants_asset_or_partner_is_refused(ours, theirs):
    ops = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant), pytest.raises(PermissionDenied):
        asset_grant(actor=ops, asset=ours.asset, partner=theirs.partner)
    with scope(tenant=theirs.tenant), pytest.raises(PermissionDenied):
        asset_feature(actor=ops, asset=theirs.asset, featured=True)


def test_the_search_vector_follows_each_save_in_the_tenants_language(ours):
    ops = ours.members[Role.PARTNER_OPS]
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        asset = asset_save(actor=ops, asset=new_asset(ours, title="Quarterly pipeline review"))
        assert list(library_search(rep, LibraryQuery(q="reviewing pipelines"))) == [asset]
        asset.title = "Renewals handbook"
        asset_save(actor=ops, asset=asset)
        assert not library_search(rep, LibraryQuery(q="pipeline")).exists()
        assert list(library_search(rep, LibraryQuery(q="renewal"))) == [asset]
    ours.tenant.language = "de"
    assert search_config(ours.tenant) == "german"


def test_publishing_a_draft_is_announced_once(ours):
    ops = ours.members[Role.PARTNER_OPS]
    from prm.audit.models import AuditEvent

    with scope(tenant=ours.tenant):
        asset = asset_save(actor=ops, asset=new_asset(ours, status=Asset.Status.DRAFT))
        asset.status = Asset.Status.PUBLISHED
        asset_save(actor=ops, asset=asset)
        asset.description = "Now with the renewal steps."
        asset_save(actor=ops, asset=asset)
        actions = list(
            AuditEvent.objects.filter(object_id=str(asset.pk), tenant=ours.tenant)
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == [
        "training.asset.created",
        "training.asset.changed",
        "training.asset.published",
        "training.asset.changed",
    ]


def test_a_grant_is_one_object_permission_to_the_companys_group_and_revoking_removes_it(ours):
    ops = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant):
        users_before = UserObjectPermission.objects.count()
        asset_grant(actor=ops, asset=ours.asset, partner=ours.other_partner)
        asset_grant(actor=ops, asset=ours.asset, partner=ours.other_partner)  # twice: once
        grants = GroupObjectPermission.objects.filter(object_pk=str(ours.asset.pk))
        assert [(g.group.name, g.permission.codename) for g in grants] == [
            (f"partner-{ours.other_partner.pk}", "see_asset")
        ]
        assert UserObjectPermission.objects.count() == users_before  # nothing per user
        asset_revoke(actor=ops, asset=ours.asset, partner=ours.other_partner)
        assert not GroupObjectPermission.objects.filter(object_pk=str(ours.asset.pk)).exists()


def test_recording_engagement_is_one_insert(ours):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        with CaptureQueriesContext(connection) as queries:
            engagement_record(actor=rep, asset=ours.asset, kind=AssetEngagement.Kind.DOWNLOAD)
        assert len(queries) == 1
        assert queries[0]["sql"].startswith('INSERT INTO "training_assetengagement"')
        with pytest.raises(PermissionDenied):
            engagement_record(actor=ours.members[Role.PARTNER_OPS], asset=ours.asset, kind="view")
