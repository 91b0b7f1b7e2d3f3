"""MDF benchmark data for the bench tenant: two quarters' funds, an allocation per partner in
each, requests in every status with their answers, claims with proof for the approved ones,
payment batches, deals linked to paid campaigns, and the ledger lines that explain every
balance (loaded with COPY like the rest of the bench).

At M: 5k partners, 10k allocations and 50k requests (S: a tenth). The previous quarter's fund is
mostly decided, claimed and paid; the current one is open, with a backlog of submitted requests
on the bench CAM's 80 partners (5,500 at M: the request queue has a page 100 at 50 a page). Every
approval commits at most what the allocation has left, as `mdf.ledger.post` would allow: the
balances are summed from the movements written beside them, and `ledger.movements_add_up` is
checked on a sample after the load.

`load_mdf` runs at the end of `generate`, and on its own on a database that holds the deals
bench (`python -m bench generate-mdf`) when the bench tenant has no fund yet.
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from guardian.models import UserObjectPermission

from deals.models import Deal
from mdf import ledger
from mdf.models import (
    Allocation,
    CampaignDeal,
    Claim,
    Fund,
    FundQuestion,
    MdfRequest,
    MdfSettings,
    Movement,
    PaymentBatch,
    ProofFile,
    RequestAnswer,
)
from mdf.setup import mdf_settings
from partners.models import Partner
from prm.metrics.periods import quarter_of
from prm.sla import add_business_hours
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from . import names
from .bulk import copy_rows, reserve_ids
from .generate import BENCH_CAM, BENCH_SLUG, log


@dataclass(frozen=True)
class MdfSpec:
    requests: int
    #: submitted requests of the bench CAM's partners in the current fund (the queue's backlog)
    backlog: int


MDF: dict[str, MdfSpec] = {
    "S": MdfSpec(requests=5_000, backlog=1_100),
    "M": MdfSpec(requests=50_000, backlog=5_500),
    "L": MdfSpec(requests=50_000, backlog=5_500),
}
#: the funds' names (the current quarter's is the one the bench approves against)
PREVIOUS_FUND = "Bench MDF previous quarter"
CURRENT_FUND = "Bench MDF current quarter"
#: allocation sizes by partner band (a few big partners get the most)
BANDS = (Decimal("5000"), Decimal("10000"), Decimal("20000"), Decimal("40000"))
BAND_WEIGHTS = (50, 30, 15, 5)

S = MdfRequest.Status
#: status mix of the previous quarter (decided) and of the current one (under way)
PREVIOUS_MIX = {
    S.APPROVED: 62, S.REJECTED: 9, S.DECLINED: 8, S.WITHDRAWN: 6, S.DRAFT: 3,
    S.SUBMITTED: 6, S.INFO_REQUESTED: 4, S.SECOND_APPROVAL: 2,
}  # fmt: skip
CURRENT_MIX = {
    S.APPROVED: 30, S.REJECTED: 6, S.DECLINED: 4, S.WITHDRAWN: 4, S.DRAFT: 14,
    S.SUBMITTED: 30, S.INFO_REQUESTED: 8, S.SECOND_APPROVAL: 4,
}  # fmt: skip
C = Claim.Status
#: what became of an approved request's claim, previous quarter and current
PREVIOUS_CLAIMS = {None: 10, C.DRAFT: 4, C.SUBMITTED: 12, C.INFO_REQUESTED: 3, C.APPROVED: 16,
                   C.REJECTED: 5, C.PAID: 50}  # fmt: skip
CURRENT_CLAIMS = {None: 70, C.DRAFT: 8, C.SUBMITTED: 12, C.APPROVED: 5, C.PAID: 5}
ACTIVITIES = [a.value for a in MdfRequest.Activity]
TITLES = ("roadshow", "webinar series", "trade show booth", "lead campaign", "customer summit",
          "syndication push", "launch event", "breakfast briefing")  # fmt: skip
#: the least a CAM approves (below it the request is rejected: the allocation is spent)
MIN_GRANT = Decimal("100")
#: claims paid together in one payment batch
BATCH_SIZE = 200


def _pick(rng: random.Random, mix: dict[Any, int]) -> Any:
    return rng.choices(list(mix), list(mix.values()))[0]


@dataclass
class Ledger:
    """Balances and movement lines of every allocation, built as the ledger would write them."""

    tenant_id: int
    currency: str
    balances: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def line(
        self, allocation: int, kind: str, amount: Decimal, when: Any, reason: str, **source: Any
    ) -> None:
        balance = self.balances[allocation]
        for name, sign in ledger.EFFECTS[kind].items():
            balance[name] += sign * amount
        self.rows.append(
            {
                "tenant_id": self.tenant_id,
                "allocation_id": allocation,
                "kind": kind,
                "amount": amount,
                "currency": self.currency,
                "actor_id": None,
                "reason": reason,
                "request_id": source.get("request"),
                "claim_id": source.get("claim"),
                "reverses_id": None,
                "created_at": when,
            }
        )

    def available(self, allocation: int) -> Decimal:
        b = self.balances[allocation]
        return b["allocated"] - b["committed"] - b["claimed"] - b["reimbursed"]


def _funds(tenant: Tenant, today: date, total: Decimal) -> tuple[Fund, Fund]:
    """Last quarter's fund (its window closed) and this quarter's (open, a second approval above
    15,000), each with the standard extra questions."""
    current = quarter_of(today)
    previous = quarter_of(current.start - timedelta(days=1))
    made = []
    for name, quarter, opens, closes in (
        (PREVIOUS_FUND, previous, previous.start - timedelta(days=30), previous.end),
        (CURRENT_FUND, current, current.start - timedelta(days=30), current.end),
    ):
        fund = Fund.objects.create(
            tenant=tenant, name=name, period=Fund.Period.QUARTER, starts_on=quarter.start,
            ends_on=quarter.end, currency=tenant.default_currency,
            budget=(total * Decimal("1.1")).quantize(Decimal("1")), opens_on=opens,
            closes_on=closes, claim_days=45, reimbursement_cap=Decimal("90"),
            second_approval_above=Decimal("15000"),
            description="Co-marketing for partners: events, digital campaigns, trade shows.",
            window_announced_at=timezone.now(),
        )  # fmt: skip
        FundQuestion.objects.bulk_create(
            [
                FundQuestion(tenant=tenant, fund=fund, position=1,
                             label="Which products will the campaign feature?"),
                FundQuestion(tenant=tenant, fund=fund, position=2, kind=FundQuestion.Kind.NUMBER,
                             label="How many accounts will you target?"),
                FundQuestion(tenant=tenant, fund=fund, position=3, kind=FundQuestion.Kind.CHOICE,
                             label="Campaign region", choices=["NA", "EMEA", "APAC", "LATAM"],
                             required=False),
            ]
        )  # fmt: skip
        made.append(fund)
    return made[0], made[1]


def _owners(tenant: Tenant) -> dict[int, list[int]]:
    """Partner id -> the memberships that may file for it (its admin first, then its reps)."""
    owners: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            tenant=tenant, partner__isnull=False, role__in=[Role.PARTNER_ADMIN, Role.PARTNER_REP]
        )
        .order_by("partner_id", "role", "id")
        .values_list("partner_id", "id")
    )
    for partner_id, member_id in rows:
        owners[partner_id].append(member_id)
    return owners


def _cam_partners(tenant: Tenant) -> list[int]:
    """The partners the bench CAM manages (the backlog's)."""
    pks = UserObjectPermission.objects.filter(
        user__email=BENCH_CAM, permission__codename="manage_partner"
    ).values_list("object_pk", flat=True)
    return sorted(
        Partner.objects.filter(tenant=tenant, pk__in=[int(p) for p in pks]).values_list(
            "pk", flat=True
        )
    )


def load_mdf(tenant: Tenant, scale: str, seed: int) -> dict[str, int]:
    """The bench tenant's MDF (see the module docstring); returns what was loaded."""
    spec = MDF[scale]
    rng = random.Random(f"{seed}:{tenant.slug}:mdf")
    now = timezone.now()
    today = timezone.localdate(now)
    with scope(tenant=tenant):
        settings = mdf_settings(tenant)
        settings.reps_may_request = True
        settings.save(update_fields=["reps_may_request"])
    partner_ids = list(
        Partner.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)
    )
    owners = _owners(tenant)
    cam_partners = _cam_partners(tenant)
    band = {pid: rng.choices(BANDS, BAND_WEIGHTS)[0] for pid in partner_ids}

    # --- the requests to make ------------------------------------------------------------------
    # A few big partners ask often, most now and then (Zipf-like); the backlog goes to the
    # bench CAM's partners, submitted to the current fund (fund 1; fund 0 is last quarter's).
    others = [p for p in partner_ids if p not in set(cam_partners)]
    weights = [1.0 / (i + 1) ** 0.7 for i in range(len(others))]
    rng.shuffle(others)
    rest = spec.requests - spec.backlog
    planned: list[tuple[int, int, str]] = [
        (1, rng.choice(cam_partners), S.SUBMITTED) for _ in range(spec.backlog)
    ]
    chosen = rng.choices(others, weights, k=rest)
    for i, pid in enumerate(chosen):
        which = 0 if i % 5 < 2 else 1  # 40% last quarter, 60% this one
        planned.append((which, pid, _pick(rng, CURRENT_MIX if which else PREVIOUS_MIX)))
    rng.shuffle(planned)
    # Partners that ask often are given more (as programs allocate by past activity): a band's
    # amount per three requests.
    asks: dict[tuple[int, int], int] = defaultdict(int)
    for which, pid, _status in planned:
        asks[(which, pid)] += 1
    amounts = {
        (which, pid): band[pid] * max(1, -(-asks[(which, pid)] // 3))
        for which in (0, 1)
        for pid in partner_ids
    }
    previous, current = _funds(
        tenant, today, max(sum(amounts[(w, p)] for p in partner_ids) for w in (0, 1))
    )
    funds = (previous, current)
    plan = [(funds[which], pid, status) for which, pid, status in planned]
    currency = tenant.default_currency
    book = Ledger(tenant.pk, currency)

    # --- allocations: every partner in both funds --------------------------------------------
    first_alloc = reserve_ids(Allocation, 2 * len(partner_ids))
    alloc_of: dict[tuple[int, int], int] = {}
    next_alloc = first_alloc
    for which, fund in enumerate(funds):
        for pid in partner_ids:
            alloc_of[(fund.pk, pid)] = next_alloc
            book.balances[next_alloc] = dict.fromkeys(ledger.BALANCES, Decimal("0.00"))
            book.line(next_alloc, ledger.K.ALLOCATED, amounts[(which, pid)],
                      now - timedelta(days=120), "Quarterly allocation")  # fmt: skip
            next_alloc += 1

    first_request = reserve_ids(MdfRequest, len(plan))
    first_claim = reserve_ids(Claim, len(plan))
    request_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    claim_rows: list[dict[str, Any]] = []
    proof_rows: list[dict[str, Any]] = []
    paid_claims: list[int] = []
    paid_requests: list[tuple[int, int]] = []  # (request id, partner id) for campaign deals
    questions = {
        fund.pk: list(fund.questions.order_by("position").values_list("pk", "kind"))
        for fund in (previous, current)
    }
    next_claim = first_claim
    claim_number = 0
    for index, (fund, pid, status) in enumerate(plan):
        request_id = first_request + index
        allocation_id = alloc_of[(fund.pk, pid)]
        owner = rng.choice(owners[pid]) if owners.get(pid) else None
        if owner is None:
            continue
        amount = Decimal(rng.choice((500, 1000, 1500, 2500, 4000, 6000, 9000, 16000)))
        starts = fund.starts_on + timedelta(days=rng.randint(5, 70))
        ends = starts + timedelta(days=rng.choice((0, 1, 2, 14, 30)))
        submitted = None if status == S.DRAFT else (
            now - timedelta(hours=rng.randint(1, 24 * (80 if fund is previous else 20)))
        )  # fmt: skip
        if fund is previous and submitted is not None:
            submitted = min(submitted, now - timedelta(days=rng.randint(95, 140)))
        approved = None
        if status in (S.APPROVED, S.SECOND_APPROVAL):
            # Approve in full, or in part (a fifth), never beyond what the allocation has left.
            want = amount if rng.random() < 0.8 else (amount * Decimal("0.6")).quantize(Decimal(1))
            granted = min(want, book.available(allocation_id))
            if granted < MIN_GRANT:  # the allocation is spent: a CAM would refuse it
                status, approved = S.REJECTED, None
            else:
                approved = granted
        decided = submitted + timedelta(hours=rng.randint(2, 90)) if submitted and status in (
            S.APPROVED, S.REJECTED, S.DECLINED, S.SECOND_APPROVAL) else None  # fmt: skip
        sla_due = add_business_hours(submitted, settings.sla_hours, "UTC") if submitted else None
        waiting = status == S.SUBMITTED
        claim_due = ends + timedelta(days=fund.claim_days) if status == S.APPROVED else None
        request_rows.append(
            {
                "id": request_id,
                "tenant_id": tenant.pk,
                "number": index + 1,
                "fund_id": fund.pk,
                "partner_id": pid,
                "allocation_id": allocation_id,
                "owner_id": owner,
                "activity_type": rng.choice(ACTIVITIES),
                "title": f"{names.word(rng).title()} {rng.choice(TITLES)}",
                "description": "A campaign for IT decision makers in the partner's region.",
                "audience": "IT managers and CIOs of mid-sized companies",
                "activities": "Email invitation, landing page, event day, follow-up calls",
                "starts_on": starts,
                "ends_on": ends,
                "expected_leads": rng.randint(10, 300),
                "expected_pipeline": amount * rng.randint(5, 30),
                "cofunded": rng.random() < 0.1,
                "amount": amount,
                "currency": currency,
                "status": status,
                "created_at": (submitted or now) - timedelta(hours=2),
                "updated_at": decided or submitted or now,
                "submitted_at": submitted,
                "sla_due_at": sla_due,
                "escalation_level": 1 if waiting and sla_due and sla_due < now else 0,
                "decided_at": decided,
                "decision_hours": Decimal(rng.randint(1, 60)) if decided else None,
                "approved_amount": approved,
                "decision_reason": "Fits the plan." if decided else "",
                "info_question": "How many attendees do you expect?"
                if status == S.INFO_REQUESTED
                else "",
                "claim_due_on": claim_due,
                "claim_reminders": 3 if claim_due and claim_due < today else 0,
            }
        )
        if submitted is not None:
            for question_id, kind in questions[fund.pk]:
                answer_rows.append(
                    {
                        "tenant_id": tenant.pk,
                        "request_id": request_id,
                        "question_id": question_id,
                        "value": {"number": str(rng.randint(20, 400)), "choice": "EMEA"}.get(
                            kind, "Cloud suite and edge appliances"
                        ),
                    }
                )
        if approved is None:
            continue
        book.line(allocation_id, ledger.K.COMMITTED, approved, decided, "Approved",
                  request=request_id)  # fmt: skip
        if status != S.APPROVED:
            continue
        claim_status = _pick(rng, PREVIOUS_CLAIMS if fund is previous else CURRENT_CLAIMS)
        if claim_status is None:
            continue
        claim_id = next_claim
        next_claim += 1
        claim_number += 1
        spend = (approved * Decimal(rng.choice(("0.8", "1", "1.1", "1.25")))).quantize(Decimal(1))
        filed = None if claim_status == C.DRAFT else max(
            decided + timedelta(days=1), now - timedelta(days=rng.randint(1, 60))
        )  # fmt: skip
        claim_approved = None
        if claim_status in (C.APPROVED, C.PAID):
            claim_approved = min(approved, (spend * fund.reimbursement_cap / 100).quantize(
                Decimal("0.01")))  # fmt: skip
            book.line(allocation_id, ledger.K.CLAIMED, claim_approved, filed, "Claim approved",
                      request=request_id, claim=claim_id)  # fmt: skip
            if approved > claim_approved:
                book.line(allocation_id, ledger.K.RELEASED, approved - claim_approved, filed,
                          "Claim approved", request=request_id)  # fmt: skip
        paid = claim_status == C.PAID
        if paid:
            assert claim_approved is not None
            book.line(allocation_id, ledger.K.REIMBURSED, claim_approved, filed, "Paid",
                      request=request_id, claim=claim_id)  # fmt: skip
            paid_claims.append(claim_id)
            paid_requests.append((request_id, pid))
        claim_rows.append(
            {
                "id": claim_id,
                "tenant_id": tenant.pk,
                "number": claim_number,
                "request_id": request_id,
                "partner_id": pid,
                "owner_id": owner,
                "currency": currency,
                "actual_spend": spend,
                "leads": rng.randint(5, 250),
                "attendees": rng.randint(10, 400),
                "impressions": rng.randint(1000, 90000),
                "results": "The event ran as planned; leads are in the CRM.",
                "status": claim_status,
                "submitted_at": filed,
                "sla_due_at": add_business_hours(filed, settings.sla_hours, "UTC")
                if filed
                else None,
                "decided_at": filed + timedelta(hours=20) if claim_approved else None,
                "approved_amount": claim_approved,
                "decision_reason": "Proof checked." if claim_approved else "",
                "paid_on": (filed + timedelta(days=10)).date() if paid else None,
                "payment_reference": f"AP-{claim_id}" if paid else "",
                "batch_id": None,
                "created_at": filed or now,
                "updated_at": filed or now,
            }
        )
        if claim_status != C.DRAFT:
            proof_rows.append(
                {
                    "tenant_id": tenant.pk,
                    "claim_id": claim_id,
                    "file": f"mdf/{tenant.pk}/{claim_id}/bench-invoice.pdf",
                    "name": f"invoice-{claim_number}.pdf",
                    "content_type": "application/pdf",
                    "size": rng.randint(40_000, 900_000),
                    "uploaded_by_id": owner,
                    "uploaded_at": filed,
                }
            )

    # --- payment batches: paid claims, BATCH_SIZE at a time -----------------------------------
    batches = [paid_claims[i : i + BATCH_SIZE] for i in range(0, len(paid_claims), BATCH_SIZE)]
    first_batch = reserve_ids(PaymentBatch, max(1, len(batches)))
    batch_of = {c: first_batch + n for n, chunk in enumerate(batches) for c in chunk}
    for row in claim_rows:
        row["batch_id"] = batch_of.get(row["id"])
    batch_rows = [
        {"id": first_batch + n, "tenant_id": tenant.pk, "number": n + 1, "currency": currency,
         "created_at": now - timedelta(days=30), "created_by_id": None,
         "settled_at": now - timedelta(days=20)}
        for n in range(len(batches))
    ]  # fmt: skip

    # --- deals from paid campaigns (their ROI): up to 3 of the partner's deals in the currency
    deals_of: dict[int, list[int]] = defaultdict(list)
    for deal_id, pid in Deal.objects.filter(tenant=tenant, currency=currency).values_list(
        "pk", "partner_id"
    ):
        deals_of[pid].append(deal_id)
    campaign_rows = []
    for request_id, pid in paid_requests:
        mine = deals_of.get(pid, [])
        for deal_id in rng.sample(mine, min(len(mine), rng.randint(0, 3))):
            campaign_rows.append(
                {"tenant_id": tenant.pk, "request_id": request_id, "deal_id": deal_id}
            )

    # --- write: allocations with their balances, then what refers to them ---------------------
    allocation_rows = [
        {
            "id": alloc_id,
            "tenant_id": tenant.pk,
            "fund_id": fund_id,
            "partner_id": pid,
            "tier_id": None,
            "currency": currency,
            **book.balances[alloc_id],
            "low_warned_at": None,
        }
        for (fund_id, pid), alloc_id in alloc_of.items()
    ]
    copy_rows(Allocation, allocation_rows)
    for fund in (previous, current):
        Fund.objects.filter(pk=fund.pk).update(
            allocated=Allocation.objects.filter(fund=fund).aggregate(t=Sum("allocated"))["t"]
        )
    copy_rows(MdfRequest, request_rows)
    copy_rows(RequestAnswer, answer_rows, with_id=False)
    copy_rows(PaymentBatch, batch_rows)
    copy_rows(Claim, claim_rows)
    copy_rows(ProofFile, proof_rows, with_id=False)
    copy_rows(Movement, book.rows, with_id=False)
    copy_rows(CampaignDeal, campaign_rows, with_id=False)
    MdfSettings.objects.filter(tenant=tenant).update(
        last_request_number=len(plan),
        last_claim_number=claim_number,
        last_batch_number=len(batches),
    )
    return {
        "funds": 2,
        "allocations": len(allocation_rows),
        "requests": len(request_rows),
        "backlog": spec.backlog,
        "claims": len(claim_rows),
        "paid": len(paid_claims),
        "batches": len(batches),
        "movements": len(book.rows),
        "campaign_deals": len(campaign_rows),
    }


def check_ledger(tenant: Tenant, sample: int = 200, seed: int = 1) -> int:
    """`ledger.movements_add_up` on a sample of the bench's allocations (the busiest first);
    raises when one does not add up. Returns how many were checked."""
    rng = random.Random(seed)
    with scope(tenant=tenant):
        busiest = list(
            MdfRequest.objects.filter(tenant=tenant, status=S.APPROVED)
            .values("allocation_id")
            .annotate(n=Sum("approved_amount"))
            .order_by("-n")
            .values_list("allocation_id", flat=True)[: sample // 2]
        )
        ids = list(Allocation.objects.filter(tenant=tenant).values_list("pk", flat=True))
        chosen = set(busiest) | set(rng.sample(ids, min(len(ids), sample - len(busiest))))
        for allocation in Allocation.objects.filter(pk__in=chosen):
            if not ledger.movements_add_up(allocation):
                raise AssertionError(f"allocation {allocation.pk}: movements do not add up")
    return len(chosen)


def generate_mdf(scale: str, seed: int = 20240601) -> None:
    """Add the MDF data to a database holding the deals bench (when it has no fund yet)."""
    # Loading writes the bench tenant's rows before any request: no scope exists yet.
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
        if Fund.objects.filter(tenant=tenant).exists():
            log("mdf: the bench tenant has its funds already; nothing loaded")
            return
        started = time.monotonic()
        with transaction.atomic():
            got = load_mdf(tenant, scale, seed)
        loaded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        checked = check_ledger(tenant)
        log(f"mdf: {got} in {loaded:.1f} s; the ledger adds up on {checked} allocations")


# --- scenarios (`python -m bench run`) ----------------------------------------------------------

#: approvals fired at one allocation at once, each on its own connection
CONCURRENT = 200


def scenarios(bench: Any) -> list[Any]:
    """The MDF scenarios of `bench.run.Bench`: the request queue (page 1 and page 100, a CAM and
    a program leader), an approval POST (the decision screen's approval page, with the
    allocation's row lock), and the fund overview. The concurrent approvals are measured apart
    (`concurrent_approvals`)."""
    from mdf.access import requests_visible_to
    from prm.workspace.sites import tenant_admin_site

    from .run import Scenario, Target, _check, _url

    tenant = bench.tenant
    with scope(tenant=tenant):
        current = Fund.objects.get(tenant=tenant, name=CURRENT_FUND)
        admin = tenant_admin_site._registry.get(MdfRequest)
        page_size = getattr(admin, "list_per_page", 100)
        pages = {
            who: max(1, -(-requests_visible_to(m).filter(status=S.SUBMITTED).count() // page_size))
            for who, m in (("CAM", bench.cam), ("leader", bench.leader))
        }
    listing = Target(p95_ms=50, ratio=3)

    def queue(member: Membership, who: str, page: int) -> Any:
        def prepare() -> Any:
            shown = min(page, pages[who])
            query = {"p": shown} if shown > 1 else {}
            url = _url("admin:mdf_mdfrequest_changelist", **query)
            client = bench.client(member)
            return lambda i: _check(client.get(url), 200)

        return prepare

    def overview() -> Any:
        client = bench.client(bench.leader)
        url = reverse("admin:mdf_fund_overview", args=[current.pk])
        return lambda i: _check(client.get(url), 200)

    def approve_post() -> Any:
        # Each iteration approves another waiting request of the bench CAM's backlog.
        with scope(tenant=tenant):
            waiting = list(
                requests_visible_to(bench.cam)
                .filter(status=S.SUBMITTED, fund=current)
                .order_by("sla_due_at", "id")
                .values_list("pk", "amount")[:400]
            )
        client = bench.client(bench.cam)

        def once(i: int) -> Any:
            pk, amount = waiting[i]
            url = reverse("admin:mdf_mdfrequest_approve", args=[pk])
            _check(client.post(url, approval_form(amount)), 302, 303)

        return once

    rows: list[Any] = []
    for who, member in (("CAM", bench.cam), ("leader", bench.leader)):
        last = f"p{min(100, pages[who])}"
        rows += [
            Scenario(f"mdf queue p1 {who} (url)", "http", "ref: 50-row table",
                     queue(member, who, 1), listing),
            Scenario(f"mdf queue {last} {who} (url)", "http", "ref: 50-row table",
                     queue(member, who, 100),
                     Target(p95_ms=50, ratio=1.3, vs=f"mdf queue p1 {who} (url)")),
        ]  # fmt: skip
    rows += [
        Scenario("mdf approval POST (url)", "http", "ref: one query", approve_post,
                 Target(p95_ms=100)),
        Scenario("mdf fund overview (url)", "http", "ref: 50-row table", overview,
                 Target(p95_ms=50)),
    ]  # fmt: skip
    return rows


def approval_form(amount: Decimal) -> dict[str, str]:
    """What the decision screen's approval page posts to approve a request in full."""
    return {"amount": str(amount), "reason": "Bench approval"}


def concurrent_approvals(bench: Any) -> Any:
    """ "200 concurrent approvals against one allocation": fresh waiting requests of one of the
    bench CAM's partners whose total is 1.6 times what its allocation has left, approved in
    full at once through the decision screen, each thread on its own connection (as many at a
    time as PostgreSQL allows, at most 200). Reports throughput and p95, how many fit and were
    refused, and checks nothing was over-committed and the movements add up."""
    import statistics
    import threading

    from django.db import connections

    from mdf.numbers import next_number

    from .run import Result

    result = Result("mdf 200 concurrent approvals (url)", "http", None)
    tenant = bench.tenant
    with scope(tenant=tenant):
        current = Fund.objects.get(tenant=tenant, name=CURRENT_FUND)
        partner_id = _cam_partners(tenant)[0]
        allocation = Allocation.objects.get(tenant=tenant, fund=current, partner_id=partner_id)
        if allocation.available < CONCURRENT * 10:
            # Top it up through the ledger so the run has room to fill (and to refuse).
            with transaction.atomic():
                ledger.post(allocation=allocation, kind=ledger.K.ALLOCATED,
                            amount=Decimal(CONCURRENT * 100), actor=None,
                            reason="Bench: room for the concurrent approvals")  # fmt: skip
        room = allocation.available
        each = (room * Decimal("1.6") / CONCURRENT).quantize(Decimal("1"))
        owner = Membership.objects.filter(tenant=tenant, partner_id=partner_id).first()
        assert owner is not None
        now = timezone.now()
        made = []
        with transaction.atomic():
            for _ in range(CONCURRENT):
                made.append(
                    MdfRequest.objects.create(
                        tenant=tenant,
                        number=next_number(tenant, "last_request_number"),
                        fund=current,
                        partner_id=partner_id,
                        allocation=allocation,
                        owner=owner,
                        title="Concurrent approval",
                        starts_on=current.starts_on,
                        ends_on=current.starts_on,
                        amount=each,
                        currency=allocation.currency,
                        status=S.SUBMITTED,
                        submitted_at=now,
                        sla_due_at=now + timedelta(days=2),
                    )
                )
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
    workers = max(1, min(CONCURRENT, limit - 20))
    queue = list(made)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(workers)

    def work() -> None:
        try:
            client = bench.client(bench.cam)
            ready.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    request = queue.pop()
                url = reverse("admin:mdf_mdfrequest_approve", args=[request.pk])
                t0 = time.perf_counter()
                response = client.post(url, approval_form(request.amount))
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(elapsed)
                    if response.status_code >= 500:
                        errors.append(str(response.status_code))
        except Exception as exc:  # reported, never hidden
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    with scope(tenant=tenant):
        allocation.refresh_from_db()
        statuses = MdfRequest.objects.filter(pk__in=[r.pk for r in made]).values_list(
            "status", flat=True
        )
        decided = sum(s in (S.APPROVED, S.SECOND_APPROVAL) for s in statuses)
        sound = allocation.available >= 0 and ledger.movements_add_up(allocation)
    if len(latencies) >= 2:
        q = statistics.quantiles(latencies, n=100, method="inclusive")
        result.p50_ms, result.p95_ms = round(q[49], 2), round(q[94], 2)
        result.mean_ms = round(statistics.fmean(latencies), 2)
    result.iterations = len(latencies)
    fit = int(room // each) if each else 0
    result.note = (
        f"{len(made) / wall:.0f} approvals/s over {workers} connections; {decided} approved, "
        f"{len(made) - decided} refused (about {fit} fit); "
        + ("never over-committed, movements add up" if sound else "LEDGER UNSOUND")
        + (f"; errors: {errors[:3]}" if errors else "")
    )
    result.verdict = "PASS" if sound and not errors and result.p95_ms is not None else "FAIL"
    return result
