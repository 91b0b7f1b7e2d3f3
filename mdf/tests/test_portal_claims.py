"""The portal's claim pages and proof files (`mdf.views.claims`, `mdf.views.files`)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mdf.models import Claim, MdfRequest, ProofFile
from mdf.tests.factories import SMALL_PDF, claim_row
from mdf.tests.test_claim_services import ran
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db
C = Claim.Status


def claim_data(**overrides):
    return {
        "actual_spend": "2800",
        "leads": "30",
        "attendees": "55",
        "impressions": "",
        "results": "Good turnout",
        "action": "submit",
        **overrides,
    }


def test_a_rep_files_a_claim_with_a_pdf_and_links_a_deal(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep)
    client = host_client(in_ours.host, rep)
    form = client.get(f"/funds/requests/{request.pk}/claim/").content.decode()
    assert in_ours.approved_deal.customer_name in form  # the rep's own registration
    assert in_ours.other_deal.customer_name not in form
    proof = SimpleUploadedFile("invoice.pdf", SMALL_PDF, content_type="application/pdf")
    response = client.post(
        f"/funds/requests/{request.pk}/claim/",
        claim_data(proof=proof, deals=[in_ours.approved_deal.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get(request=request)
    assert claim.status == C.SUBMITTED
    page = client.get(f"/funds/claims/{claim.pk}/").content.decode()
    assert "You can be reimbursed up to" in page
    assert "invoice.pdf" in page
    assert in_ours.approved_deal.customer_name in page


def test_the_claim_page_shows_the_cap_the_decision_and_the_payment(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep, approved="3000")
    in_ours.fund.__class__.objects.filter(pk=in_ours.fund.pk).update(reimbursement_cap=50)
    claim = claim_row(request, rep, status=C.APPROVED, spend="2000", approved="1000")
    Claim.objects.filter(pk=claim.pk).update(
        status=C.PAID, paid_on=timezone.localdate(), payment_reference="AP-7781"
    )
    client = host_client(in_ours.host, rep)
    page = client.get(f"/funds/claims/{claim.pk}/").content.decode()
    # min(3,000 approved, 2,000 × 50 %) = 1,000
    assert "1,000.00" in page
    assert "Paid on" in page
    assert "reference AP-7781" in page
    funds = client.get("/funds/").content.decode()
    assert "reference AP-7781" in funds


def test_a_renamed_executable_comes_back_beside_the_field(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep)
    client = host_client(in_ours.host, rep)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 300)
    response = client.post(
        f"/funds/requests/{request.pk}/claim/", claim_data(proof=fake, action="draft")
    )
    assert response.status_code == 200
    assert 'id="id_proof_error"' in response.content.decode()
    assert not Claim.objects.filter(request=request).exists()


def test_submitting_without_proof_says_so_beside_the_field(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep)
    client = host_client(in_ours.host, rep)
    response = client.post(f"/funds/requests/{request.pk}/claim/", claim_data())
    assert response.status_code == 200
    assert "Attach at least one proof" in response.content.decode()
    assert not Claim.objects.filter(request=request).exists()  # nothing half-saved


def test_after_the_deadline_the_page_says_to_ask_for_an_extension(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep, ended_days_ago=40, due_in=-2)
    client = host_client(in_ours.host, rep)
    funds = client.get("/funds/").content.decode()
    assert "ask your account manager to extend it" in funds
    proof = SimpleUploadedFile("invoice.pdf", SMALL_PDF)
    response = client.post(f"/funds/requests/{request.pk}/claim/", claim_data(proof=proof))
    assert response.status_code == 200
    assert "ask your account manager to extend it" in response.content.decode()


def test_a_claim_cannot_start_before_the_activity(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep, ended_days_ago=-10)
    MdfRequest.objects.filter(pk=request.pk).update(
        starts_on=timezone.localdate() + timedelta(days=5)
    )
    response = host_client(in_ours.host, rep).get(
        f"/funds/requests/{request.pk}/claim/", follow=True
    )
    assert "once the activity has started" in response.content.decode()


def test_a_submitted_claim_cannot_be_edited_or_submitted_again(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    response = client.get(f"/funds/claims/{in_ours.claim.pk}/edit/", follow=True)
    assert "A claim that is submitted cannot be changed." in response.content.decode()
    response = client.post(f"/funds/claims/{in_ours.claim.pk}/submit/", follow=True)
    assert "A claim that is submitted cannot be submitted." in response.content.decode()


def test_the_proof_downloads_for_the_rep_and_the_partner_admin(in_ours, rep, host_client):
    for member in (rep, in_ours.members[Role.PARTNER_ADMIN]):
        response = host_client(in_ours.host, member).get(f"/funds/proof/{in_ours.proof.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


def test_the_proof_is_404_for_another_partner_another_tenant_and_a_cam_of_others(
    in_ours, theirs, host_client
):
    url = f"/funds/proof/{in_ours.proof.pk}/"
    assert host_client(in_ours.host, in_ours.other_partner_rep).get(url).status_code == 404
    # a member of the other tenant, on their own host, asking for our id
    assert host_client(theirs.host, theirs.members[Role.PARTNER_ADMIN]).get(url).status_code == 404


def test_the_proof_is_not_served_to_anonymous(in_ours, host_client):
    response = host_client(in_ours.host).get(f"/funds/proof/{in_ours.proof.pk}/")
    # Like every portal page (and deal attachments): the sign-in page, never the file.
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_deleting_a_proof_is_confirmed_and_refused_once_submitted(in_ours, rep, host_client):
    request = ran(in_ours.allocation, rep)
    claim = claim_row(request, rep, status=C.DRAFT)
    proof = claim.proofs.get()
    client = host_client(in_ours.host, rep)
    url = f"/funds/proof/{proof.pk}/delete/"
    assert "Yes, delete the file" in client.get(url).content.decode()
    assert ProofFile.objects.filter(pk=proof.pk).exists()
    assert client.post(url).status_code == 302
    assert not ProofFile.objects.filter(pk=proof.pk).exists()
    # the world's submitted claim keeps its proof
    submitted = f"/funds/proof/{in_ours.proof.pk}/delete/"
    response = client.post(submitted, follow=True)
    assert "while the claim is not submitted" in response.content.decode()
    assert ProofFile.objects.filter(pk=in_ours.proof.pk).exists()
