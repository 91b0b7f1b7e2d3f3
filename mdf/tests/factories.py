"""Rows for MDF tests: funds, allocations, requests and claims in a given state.

Written as rows, not through the partner's and the CAM's services (the tests of those services
call them), but every balance goes through `mdf.ledger.post`, so allocations, commitments and
claims always add up as the services leave them.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from mdf import ledger
from mdf.models import (
    Allocation,
    Claim,
    Fund,
    FundQuestion,
    MdfRequest,
    ProofFile,
)
from mdf.numbers import next_number
from partners.models import Partner
from prm.metrics.periods import quarter_of
from prm.tenancy.models import Membership, Tenant

SMALL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fund_row(tenant: Tenant, name: str = "Q fund", **overrides: Any) -> Fund:
    """A fund for the current quarter, its request window open, with one required question."""
    today = timezone.localdate()
    quarter = quarter_of(today)
    values: dict[str, Any] = {
        "period": Fund.Period.QUARTER,
        "starts_on": quarter.start,
        "ends_on": quarter.end,
        "currency": tenant.default_currency,
        "budget": Decimal("100000.00"),
        "opens_on": quarter.start - timedelta(days=30),
        "closes_on": quarter.end,
        "claim_days": 30,
        "second_approval_above": Decimal("20000.00"),
        **overrides,
    }
    fund = Fund.objects.create(tenant=tenant, name=name, **values)
    FundQuestion.objects.create(
        tenant=tenant, fund=fund, label="Which products will you feature?", position=1
    )
    return fund


def allocation_row(fund: Fund, partner: Partner, amount: Decimal | str = "20000") -> Allocation:
    """`partner` allocated `amount` of `fund` (an `allocated` ledger line; the fund's total)."""
    with transaction.atomic():
        allocation = Allocation.objects.create(
            tenant=fund.tenant, fund=fund, partner=partner, currency=fund.currency
        )
        ledger.post(
            allocation=allocation,
            kind=ledger.K.ALLOCATED,
            amount=Decimal(amount),
            actor=None,
            reason="Test allocation",
        )
        Fund.objects.filter(pk=fund.pk).update(allocated=fund.allocated + Decimal(amount))
        fund.refresh_from_db()
    return allocation


def request_row(
    allocation: Allocation,
    owner: Membership,
    *,
    status: str = MdfRequest.Status.SUBMITTED,
    amount: Decimal | str = "5000",
    approved: Decimal | str | None = None,
    title: str = "Spring roadshow",
) -> MdfRequest:
    """A request of the allocation's partner by `owner`; approved ones commit `approved`
    (default: the amount) on the ledger."""
    now = timezone.now()
    fund = allocation.fund
    starts = fund.starts_on + timedelta(days=10)
    request = MdfRequest.objects.create(
        tenant=allocation.tenant,
        number=next_number(allocation.tenant, "last_request_number"),
        fund=fund,
        partner=allocation.partner,
        allocation=allocation,
        owner=owner,
        title=title,
        description="A half-day event for IT managers.",
        audience="IT managers of mid-sized companies",
        activities="Venue, catering, two speakers, an email invitation",
        starts_on=starts,
        ends_on=starts + timedelta(days=1),
        expected_leads=40,
        expected_pipeline=Decimal("150000"),
        amount=Decimal(amount),
        currency=fund.currency,
        status=status,
        submitted_at=None if status == MdfRequest.Status.DRAFT else now,
        sla_due_at=None if status == MdfRequest.Status.DRAFT else now + timedelta(days=2),
    )
    for question in fund.questions.all():
        request.answers.create(tenant=request.tenant, question=question, value="Cloud suite")
    if status in (MdfRequest.Status.APPROVED, MdfRequest.Status.SECOND_APPROVAL):
        granted = Decimal(approved if approved is not None else amount)
        with transaction.atomic():
            ledger.commit(request=request, amount=granted, actor=None, reason="Test approval")
        request.approved_amount = granted
        request.decided_at = now
        request.decision_reason = "Good plan"
        request.claim_due_on = request.ends_on + timedelta(days=fund.claim_days)
        request.save()
    return request


def claim_row(
    request: MdfRequest,
    owner: Membership,
    *,
    status: str = Claim.Status.SUBMITTED,
    spend: Decimal | str | None = None,
    approved: Decimal | str | None = None,
    proof: bool = True,
) -> Claim:
    """A claim of an approved request; an approved or paid one settles on the ledger."""
    now = timezone.now()
    claim = Claim.objects.create(
        tenant=request.tenant,
        number=next_number(request.tenant, "last_claim_number"),
        request=request,
        partner=request.partner,
        owner=owner,
        currency=request.currency,
        actual_spend=Decimal(spend if spend is not None else request.approved_amount or 0),
        leads=35,
        attendees=60,
        status=status,
        submitted_at=None if status == Claim.Status.DRAFT else now,
        sla_due_at=None if status == Claim.Status.DRAFT else now + timedelta(days=2),
        # a paid claim has its date and reference (a constraint)
        paid_on=timezone.localdate() if status == Claim.Status.PAID else None,
        payment_reference="PAY-TEST" if status == Claim.Status.PAID else "",
    )
    if proof:
        proof_row(claim, owner, f"{request.tenant.slug}-invoice-{claim.number}.pdf")
    if status in (Claim.Status.APPROVED, Claim.Status.PAID):
        granted = Decimal(approved if approved is not None else claim.actual_spend or 0)
        with transaction.atomic():
            ledger.settle_claim(claim=claim, approved=granted, actor=None, reason="Test claim")
            claim.approved_amount = granted
            claim.decided_at = now
            claim.save()
            if status == Claim.Status.PAID:
                ledger.reimburse(claim=claim, actor=None, reason="Test payment")
    return claim


def proof_row(claim: Claim, by: Membership, name: str) -> ProofFile:
    """A PDF proof of `claim`, stored in private storage as the service stores it."""
    proof = ProofFile(
        tenant=claim.tenant,
        claim=claim,
        name=name,
        content_type="application/pdf",
        size=len(SMALL_PDF),
        uploaded_by=by,
    )
    proof.file.save(name, ContentFile(SMALL_PDF), save=False)
    proof.save()
    return proof
