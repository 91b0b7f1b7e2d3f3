"""Who sees which MDF rows (`mdf.access`)."""

import pytest

from mdf.access import (
    allocations_visible_to,
    claims_visible_to,
    may_request,
    proofs_visible_to,
    requests_visible_to,
)
from mdf.models import MdfSettings
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_rep_sees_their_own_requests_and_the_admin_the_companys(in_ours):
    ours = in_ours
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    mine = set(requests_visible_to(rep).values_list("pk", flat=True))
    assert ours.mdf_request.pk in mine
    assert ours.other_mdf_request.pk not in mine
    assert set(requests_visible_to(admin).values_list("pk", flat=True)) == mine
    assert ours.proof in proofs_visible_to(rep)
    assert ours.other_proof not in proofs_visible_to(admin)
    assert ours.other_claim not in claims_visible_to(rep)
    assert ours.other_allocation not in allocations_visible_to(admin)


def test_a_cam_sees_only_the_assigned_partners_rows(in_ours):
    ours = in_ours
    cam, ops = ours.members[Role.CAM], ours.members[Role.PARTNER_OPS]
    assert ours.mdf_request in requests_visible_to(cam)
    assert ours.other_mdf_request not in requests_visible_to(cam)
    assert ours.other_proof not in proofs_visible_to(cam)
    assert ours.other_mdf_request in requests_visible_to(ops)


def test_reps_request_only_when_the_tenant_allows_it(in_ours):
    ours = in_ours
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    assert may_request(rep)
    MdfSettings.objects.filter(tenant=ours.tenant).update(reps_may_request=False)
    assert not may_request(rep)
    assert may_request(admin)
    assert not may_request(ours.members[Role.CAM])
