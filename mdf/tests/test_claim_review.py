"""The vendor decides claims: approve up to the cap, ask, reject; and the staff proof download."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from mdf import ledger
from mdf.models import Allocation, Claim, Fund
from mdf.services import claim_review
from mdf.tests.factories import claim_row, request_row
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

C = Claim.Status


def _fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("request__fund").get(pk=claim.pk)


def _claim(world, *, approved: str, spend: str) -> Claim:
    rep = world.members[Role.PARTNER_REP]
    funded = request_row(world.allocation, rep, status="approved", amount="5000", approved=approved)
    return _fresh(claim_row(funded, rep, spend=spend))


def test_the_cap_is_the_smaller_of_the_approved_amount_and_spend_times_the_cap(in_ours):
    Fund.objects.filter(pk=in_ours.fund.pk).update(reimbursement_cap=Decimal("80"))
    claim = _claim(in_ours, approved="4000", spend="4500")
    limit = claim_review.reimbursable(claim)
    assert limit.capped_spend == Decimal("3600.00")
    assert limit.most == Decimal("3600.00")
    assert "Reimbursable up to" in limit.explain()
    assert "80%" in limit.explain()
    high = _claim(in_ours, approved="2000", spend="4500")
    assert claim_review.reimbursable(high).most == Decimal("2000.00")


def test_approving_a_claim_settles_it_and_releases_the_rest(in_ours, cam):
    Fund.objects.filter(pk=in_ours.fund.pk).update(reimbursement_cap=Decimal("80"))
    claim = _claim(in_ours, approved="4000", spend="4500")
    before = Allocation.objects.get(pk=in_ours.allocation.pk)
    with pytest.raises(ValidationError) as above:
        claim_review.claim_approve(actor=cam, claim=claim, amount=Decimal("3600.01"))
    assert "Reimbursable up to" in str(above.value.message_dict["amount"])
    claim_review.claim_approve(actor=cam, claim=claim)  # the most: 3,600
    claim = _fresh(claim)
    assert claim.status == C.APPROVED
    assert claim.approved_amount == Decimal("3600.00")
    after = Allocation.objects.get(pk=in_ours.allocation.pk)
    assert after.claimed == before.claimed + Decimal("3600")
    assert after.committed == before.committed - Decimal("4000")  # 400 released
    assert ledger.held_by(claim.request) == 0
    assert ledger.movements_add_up(after)


def test_reimbursing_less_than_the_most_needs_a_reason(in_ours, cam):
    claim = _claim(in_ours, approved="3000", spend="3000")
    with pytest.raises(ValidationError) as no_reason:
        claim_review.claim_approve(actor=cam, claim=claim, amount=Decimal("2000"))
    assert "reason" in no_reason.value.message_dict
    claim_review.claim_approve(
        actor=cam, claim=claim, amount=Decimal("2000"), reason="One invoice is missing"
    )
    assert _fresh(claim).decision_reason == "One invoice is missing"


def test_rejecting_a_claim_gives_back_what_the_request_held(in_ours, cam):
    claim = _claim(in_ours, approved="3000", spend="3000")
    committed = Allocation.objects.get(pk=in_ours.allocation.pk).committed
    with pytest.raises(ValidationError):
        claim_review.claim_reject(actor=cam, claim=claim, reason="")
    claim_review.claim_reject(actor=cam, claim=claim, reason="No proof of the event")
    assert _fresh(claim).status == C.REJECTED
    assert Allocation.objects.get(pk=in_ours.allocation.pk).committed == committed - 3000


def test_asking_about_a_claim_and_who_may_decide(in_ours, cam, rep):
    claim_review.claim_info(actor=cam, claim=_fresh(in_ours.claim), question="Attendee list?")
    assert _fresh(in_ours.claim).status == C.INFO_REQUESTED
    with pytest.raises(PermissionDenied):
        claim_review.claim_approve(actor=cam, claim=_fresh(in_ours.other_claim))
    with pytest.raises(PermissionDenied):
        claim_review.claim_reject(actor=rep, claim=_fresh(in_ours.other_claim), reason="x")


def test_the_claim_queue_and_screen(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get("/admin/mdf/claim/").content.decode()
    assert ours.claim.reference in html
    assert ours.other_claim.reference not in html
    screen = cam.get(f"/admin/mdf/claim/{ours.claim.pk}/change/").content.decode()
    assert "Reimbursable up to" in screen
    assert f"/admin/mdf/review/proof/{ours.proof.pk}/" in screen
    assert 'id="claim-approve"' in screen
    assert cam.get(f"/admin/mdf/claim/{ours.other_claim.pk}/change/").status_code == 404
    with scope(tenant=ours.tenant):
        Claim.objects.filter(tenant=ours.tenant, status="submitted").update(status="rejected")
    assert 'id="empty-queue"' in cam.get("/admin/mdf/claim/").content.decode()


def test_the_claim_screen_shows_only_the_results_the_partner_gave(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/mdf/claim/{ours.claim.pk}/change/"
    with scope(tenant=ours.tenant):
        Claim.objects.filter(pk=ours.claim.pk).update(leads=1, attendees=1200, impressions=None)
    screen = cam.get(url).content.decode()
    assert "<span>1 lead</span><span>1,200 attendees</span></span>" in screen
    assert "impression</span>" not in screen
    assert "impressions</span>" not in screen
    with scope(tenant=ours.tenant):
        Claim.objects.filter(pk=ours.claim.pk).update(leads=None, attendees=None, results="")
    assert "None reported." in cam.get(url).content.decode()


def test_a_cam_approves_a_claim_on_its_page(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/mdf/review/claim/{ours.claim.pk}/approve/"
    assert 'value="5000.00"' in cam.get(url).content.decode()
    assert cam.post(url, {"amount": "5000.00", "reason": ""}).status_code == 302
    with scope(tenant=ours.tenant):
        assert Claim.objects.get(pk=ours.claim.pk).status == C.APPROVED


def test_the_staff_proof_download_checks_who_asks(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    response = cam.get(f"/admin/mdf/review/proof/{ours.proof.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    # another partner's proof, for a CAM of other partners: 404 as for a missing one
    assert cam.get(f"/admin/mdf/review/proof/{ours.other_proof.pk}/").status_code == 404
    assert cam.get("/admin/mdf/review/proof/987654/").status_code == 404
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert leader.get(f"/admin/mdf/review/proof/{ours.other_proof.pk}/").status_code == 200
