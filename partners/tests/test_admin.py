"""A CAM sees only the partners assigned to them, in every admin list and URL."""

import pytest
from django_scopes import scope

from partners.models import PartnerType
from partners.selectors import assigned_cams
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_a_cam_sees_only_assigned_partners(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get("/admin/partners/partner/").content.decode()
    assert ours.partner.name in page
    assert ours.other_partner.name not in page
    assert cam.get(f"/admin/partners/partner/{ours.partner.pk}/change/").status_code == 200
    assert cam.get(f"/admin/partners/partner/{ours.other_partner.pk}/change/").status_code == 404
    assert (
        ours.other_partner.name
        not in cam.get("/admin/partners/partner/?q=partner").content.decode()
    )


@pytest.mark.django_db
def test_a_cam_sees_only_assigned_partners_users_and_invitations(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    members = cam.get("/admin/tenancy/membership/").content.decode()
    assert ours.members[Role.PARTNER_REP].user.email in members
    assert ours.members[Role.PROGRAM_LEADER].user.email in members  # vendor staff stay visible
    assert ours.other_partner_rep.user.email not in members
    assert ours.other_partner.name not in members  # not even in the partner filter
    rep_b = ours.other_partner_rep.pk
    assert cam.get(f"/admin/tenancy/membership/{rep_b}/change/").status_code == 404
    invitations = cam.get("/admin/accounts/invitation/").content.decode()
    assert ours.partner_invitation.email in invitations
    assert ours.other_partner_invitation.email not in invitations


@pytest.mark.django_db
def test_leaders_see_every_partner_and_the_cams_column(ours, host_client):
    page = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get("/admin/partners/partner/")
    html = page.content.decode()
    assert ours.partner.name in html
    assert ours.other_partner.name in html
    assert ours.members[Role.CAM].user.email in html


@pytest.mark.django_db
def test_partner_ops_assign_cams_and_change_status_with_a_reason(ours, host_client):
    second_cam = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/partners/partner/{ours.other_partner.pk}/change/"
    data = {
        "name": ours.other_partner.name,
        "website": "",
        "status": "inactive",
        "cams": [second_cam.pk],
        "status_reason": "",
    }
    refused = ops.post(url, data)
    assert refused.status_code == 200
    assert "Say why the status changes." in refused.content.decode()
    done = ops.post(url, {**data, "status_reason": "No deal in a year"})
    assert done.status_code == 302
    ours.other_partner.refresh_from_db()
    assert ours.other_partner.status == "inactive"
    with scope(tenant=ours.tenant):
        assert list(assigned_cams(partner=ours.other_partner)) == [second_cam]


@pytest.mark.django_db
def test_the_cam_filter_lists_the_tenants_cams_and_filters_by_assignment(ours, theirs, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get("/admin/partners/partner/").content.decode()
    assert ours.members[Role.CAM].user.email in page
    assert theirs.members[Role.CAM].user.email not in page
    mine = leader.get(f"/admin/partners/partner/?cam={ours.members[Role.CAM].user_id}")
    assert ours.partner.name in mine.content.decode()
    assert ours.other_partner.name not in mine.content.decode()
    nobody = leader.get("/admin/partners/partner/?cam=none").content.decode()
    assert ours.other_partner.name in nobody


@pytest.mark.django_db
def test_partner_type_choices_are_the_tenants_own(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        PartnerType.objects.create(tenant=theirs.tenant, name="Theirs-only type")
    html = (
        host_client(ours.host, ours.members[Role.PARTNER_OPS])
        .get("/admin/partners/partner/add/")
        .content.decode()
    )
    assert "Reseller" in html
    assert "Theirs-only type" not in html
