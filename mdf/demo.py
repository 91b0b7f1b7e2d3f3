"""The MDF app's demo data, told relative to today so every page reads the same story on any day.

Acme runs a fund for the current quarter (allocated by tier) and had one last quarter:
- last quarter, Northwind ran a webinar series: approved in full, claimed with the invoice, the
  claim approved under the fund's 80 % cap and paid with a reference; a deal the campaign
  brought (Alpine Ski House) was won, which gives it an ROI;
- this quarter, Northwind asked for a summit and was approved in part, with the CAM's reason;
  the summit ran and its claim waits for the CAM;
- Contoso's request for a trade-show follow-up has waited for cam@acme.test past the decision
  target (overdue on the SLA clock).
Globex has its own fund for the year, with Initech's request waiting.

Everything goes through the services, played at the moment it happened (`demo.played_at`), so
histories, notifications and the ledger tell one story.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deals import services as deal_services
from deals.models import Deal, Product
from partners.models import Partner, Tier
from prm.audit.services import audit_record
from prm.metrics.periods import Period, quarter_of, year_of
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant

from .models import Fund, FundQuestion, MdfRequest, MdfSettings
from .services.allocations import allocation_set, allocations_by_tier
from .services.claim_review import claim_approve
from .services.claims import ClaimInput, claim_save
from .services.payments import claim_mark_paid
from .services.requests import RequestInput, request_save
from .services.review import request_approve
from .setup import mdf_defaults_ensure

#: the questions each demo fund asks besides the standard ones: (label, kind, choices, required)
QUESTIONS = [
    ("Which of our products will the campaign feature?", FundQuestion.Kind.TEXT, [], True),
    ("Campaign region", FundQuestion.Kind.CHOICE,
     ["North America", "Europe", "Asia Pacific"], True),
    ("How many of the expected attendees are existing customers (%)?", FundQuestion.Kind.NUMBER,
     [], False),
]  # fmt: skip

#: tier -> what each of its partners gets from Acme's fund of the quarter
ACME_TIER_AMOUNTS = {"Registered": "5000", "Silver": "15000", "Gold": "25000"}


def _members(tenant: Tenant) -> dict[str, Membership]:
    return {
        m.user.email: m
        for m in Membership.objects.filter(tenant=tenant, is_active=True).select_related(
            "user", "partner"
        )
    }


def _moment(tenant: Tenant, day: date, hour: int = 10) -> datetime:
    """`day` at `hour` in the program's time zone (never in the future)."""
    at = datetime.combine(day, time(hour), tzinfo=ZoneInfo(tenant.time_zone))
    return min(at, timezone.now() - timedelta(minutes=5))


def _fund(tenant: Tenant, name: str, period: Period, kind: str, **values: object) -> Fund:
    fund = Fund.objects.create(
        tenant=tenant,
        name=name,
        period=kind,
        starts_on=period.start,
        ends_on=period.end,
        currency=tenant.default_currency,
        **values,
    )
    for position, (label, answer, choices, required) in enumerate(QUESTIONS, start=1):
        FundQuestion.objects.create(
            tenant=tenant,
            fund=fund,
            label=label,
            kind=answer,
            choices=choices,
            required=required,
            position=position,
        )
    audit_record(tenant=tenant, actor=None, action="mdf.fund.created", obj=fund)
    return fund


def _answers(fund: Fund, product: str, region: str, share: str = "") -> dict[int, str]:
    values = [product, region, share]
    return {q.pk: v for q, v in zip(fund.questions.order_by("position"), values, strict=True)}


def _label(period: Period) -> str:
    return f"Q{(period.start.month - 1) // 3 + 1} {period.start.year}"


def seed_mdf(tenant: Tenant) -> None:
    """Funds, allocations, requests, claims and a payment (once: a tenant with funds is left
    alone)."""
    mdf_defaults_ensure(tenant=tenant)
    if Fund.objects.filter(tenant=tenant).exists():
        return
    members = _members(tenant)
    if tenant.slug == "acme":
        _seed_acme(tenant, members)
    elif tenant.slug == "globex":
        _seed_globex(tenant, members)


def _seed_acme(tenant: Tenant, members: dict[str, Membership]) -> None:
    # Acme lets reps ask for funds too (Ned, rep@northwind.test, files requests in the demo).
    MdfSettings.objects.filter(tenant=tenant).update(reps_may_request=True)
    ops, cam = members.get("ops@acme.test"), members.get("cam@acme.test")
    admin, rep = members.get("admin@northwind.test"), members.get("rep@northwind.test")
    contoso = members.get("admin@contoso.test")
    if not (ops and cam and admin and rep and contoso):
        return
    today = timezone.localdate()
    quarter = quarter_of(today)
    last = quarter_of(quarter.start - timedelta(days=1))
    _seed_last_quarter(tenant, last, ops, cam, admin)

    # This quarter's fund, allocated by tier.
    with demo.played_at(_moment(tenant, quarter.start - timedelta(days=35))):
        fund = _fund(
            tenant,
            f"Co-marketing {_label(quarter)}",
            quarter,
            Fund.Period.QUARTER,
            description="Events, webinars and digital campaigns that build pipeline for Acme "
            "Cloud. We fund up to 80 % of what you spend, within your allocation.",
            budget=Decimal("60000"),
            opens_on=quarter.start - timedelta(days=30),
            closes_on=quarter.end,
            claim_days=45,
            reimbursement_cap=Decimal("80"),
            second_approval_above=Decimal("20000"),
        )
        for tier in Tier.objects.filter(tenant=tenant, name__in=ACME_TIER_AMOUNTS):
            if Partner.objects.filter(tenant=tenant, tier=tier, status="active").exists():
                allocations_by_tier(
                    actor=ops,
                    fund=fund,
                    tier=tier,
                    amount=Decimal(ACME_TIER_AMOUNTS[tier.name]),
                    reason=f"{tier.name} allocation for {_label(quarter)}",
                )
        for member in (admin, contoso):
            partner = member.partner
            if partner is not None and not fund.allocations.filter(partner=partner).exists():
                allocation_set(
                    actor=ops,
                    fund=fund,
                    partner=partner,
                    amount=Decimal("10000"),
                    reason="Allocation for the partner's planned campaigns",
                )

    # Northwind's summit: approved in part, run, its claim waiting for the CAM.
    starts = max(quarter.start, today - timedelta(days=20))
    with demo.played_at(_moment(tenant, starts - timedelta(days=9))):
        summit = request_save(
            actor=admin,
            fund=fund,
            data=RequestInput(
                activity_type=MdfRequest.Activity.EVENT,
                title="Cloud Summit Chicago",
                description="A half-day summit for IT leaders of mid-market companies: two "
                "customer talks, a live demo of Acme Cloud Suite and networking.",
                audience="CIOs and IT directors of companies with 200 to 2,000 staff in Illinois",
                activities="Venue and catering; invitation mailing to 3,000 contacts; LinkedIn "
                "ads for four weeks; follow-up calls by our reps",
                starts_on=starts,
                ends_on=min(starts + timedelta(days=1), quarter.end),
                expected_leads=80,
                expected_pipeline=Decimal("400000"),
                cofunded=False,
                amount=Decimal("12000"),
            ),
            answers=_answers(fund, "Acme Cloud Suite, Acme Backup", "North America", "25"),
            submit=True,
        )
    with demo.played_at(_moment(tenant, starts - timedelta(days=7), 15)):
        summit = request_approve(
            actor=cam,
            mdf_request=summit,
            amount=Decimal("9000"),
            reason="The venue is above our benchmark for 150 guests: we fund the speakers, the "
            "catering and the mailing.",
        )
    with demo.played_at(max(_moment(tenant, starts, 9), _moment(tenant, today, 9))):
        claim = claim_save(
            actor=admin,
            request=summit,
            data=ClaimInput(
                actual_spend=Decimal("10400"),
                leads=85,
                attendees=140,
                impressions=52000,
                results="140 guests of 210 registered; 85 asked for a follow-up.",
            ),
            proof=SimpleUploadedFile(
                "Invoice Lakeside Venues 2231.pdf",
                invoice_pdf(
                    tenant,
                    number="2231",
                    issuer="Lakeside Venues Chicago",
                    billed_to=admin.partner.name if admin.partner else "",
                    lines=[
                        ("Conference room and AV, one day", Decimal("6200")),
                        ("Catering, 150 guests", Decimal("4200")),
                    ],
                ),
                "application/pdf",
            ),
            submit=True,
        )

    # Contoso's request, waiting for cam@acme.test past its decision target.
    with demo.played_at(timezone.now() - timedelta(days=6, hours=2)):
        request_save(
            actor=contoso,
            fund=fund,
            data=RequestInput(
                activity_type=MdfRequest.Activity.TRADE_SHOW,
                title="Hannover Messe follow-up roadshow",
                description="Three breakfast briefings for the manufacturers we met at the "
                "trade show, on Acme Cloud for the shop floor.",
                audience="Operations and IT managers of German manufacturers",
                activities="Three breakfasts in Stuttgart, Munich and Cologne; a printed "
                "brochure; an email sequence",
                starts_on=max(quarter.start, min(today + timedelta(days=10), quarter.end)),
                ends_on=min(today + timedelta(days=24), quarter.end)
                if today + timedelta(days=10) <= quarter.end
                else quarter.end,
                expected_leads=30,
                expected_pipeline=Decimal("250000"),
                cofunded=True,
                cofunders="Fabrikam Robotics",
                cofunded_share=Decimal("30"),
                amount=Decimal("4500"),
            ),
            answers=_answers(fund, "Acme Cloud Suite", "Europe"),
            submit=True,
        )
    del claim  # waits for the CAM


def _seed_last_quarter(
    tenant: Tenant, last: Period, ops: Membership, cam: Membership, admin: Membership
) -> None:
    """Last quarter's fund and Northwind's paid webinar series, with the deal it brought."""
    partner = admin.partner
    if partner is None:
        return
    with demo.played_at(_moment(tenant, last.start - timedelta(days=30))):
        fund = _fund(
            tenant,
            f"Co-marketing {_label(last)}",
            last,
            Fund.Period.QUARTER,
            description="Events, webinars and digital campaigns that build pipeline for Acme "
            "Cloud.",
            budget=Decimal("80000"),
            opens_on=last.start - timedelta(days=30),
            closes_on=last.end,
            claim_days=45,
            reimbursement_cap=Decimal("80"),
        )
        allocation_set(
            actor=ops,
            fund=fund,
            partner=partner,
            amount=Decimal("10000"),
            reason="Allocation for the partner's planned campaigns",
        )
    with demo.played_at(_moment(tenant, last.start + timedelta(days=3))):
        webinars = request_save(
            actor=admin,
            fund=fund,
            data=RequestInput(
                activity_type=MdfRequest.Activity.WEBINAR,
                title="Partner webinar series: cloud backup",
                description="Four webinars on moving backups to Acme Cloud, with a customer "
                "speaker each time.",
                audience="IT managers of mid-market companies in the US",
                activities="Four live webinars; paid social promotion; an email sequence",
                starts_on=last.start + timedelta(days=15),
                ends_on=last.start + timedelta(days=36),
                expected_leads=40,
                expected_pipeline=Decimal("150000"),
                amount=Decimal("4000"),
            ),
            answers=_answers(fund, "Acme Backup", "North America"),
            submit=True,
        )
    with demo.played_at(_moment(tenant, last.start + timedelta(days=4), 14)):
        webinars = request_approve(actor=cam, mdf_request=webinars, reason="A good plan.")
    deal = _campaign_deal(tenant, admin, cam, last.start + timedelta(days=40))
    with demo.played_at(_moment(tenant, last.start + timedelta(days=62))):
        claim = claim_save(
            actor=admin,
            request=webinars,
            data=ClaimInput(
                actual_spend=Decimal("4200"),
                leads=42,
                attendees=310,
                impressions=18000,
                results="310 attendees over four sessions; 42 asked for a follow-up; one "
                "became Alpine Ski House's order.",
            ),
            deals=[deal] if deal else [],
            proof=SimpleUploadedFile(
                "Invoice WebinarCloud 8812.pdf",
                invoice_pdf(
                    tenant,
                    number="8812",
                    issuer="WebinarCloud Inc.",
                    billed_to=partner.name,
                    lines=[
                        ("Webinar platform, four sessions", Decimal("1800")),
                        ("Paid social promotion", Decimal("2400")),
                    ],
                ),
                "application/pdf",
            ),
            submit=True,
        )
    with demo.played_at(_moment(tenant, last.start + timedelta(days=64))):
        claim = claim_approve(actor=cam, claim=claim)  # 80 % of 4,200: 3,360
    with demo.played_at(_moment(tenant, last.start + timedelta(days=70))):
        claim_mark_paid(
            actor=ops,
            claim=claim,
            paid_on=last.start + timedelta(days=70),
            reference=f"AP-{last.start.year}-1142",
        )


def _campaign_deal(
    tenant: Tenant, admin: Membership, cam: Membership, registered_on: date
) -> Deal | None:
    """Alpine Ski House, registered after the webinars and won: the campaign's ROI."""
    product = Product.objects.filter(tenant=tenant).first()
    if product is None:
        return None
    with demo.played_at(_moment(tenant, registered_on)):
        deal = deal_services.deal_save(
            actor=admin,
            data=deal_services.DealInput(
                customer_name="Alpine Ski House",
                customer_website="alpineskihouse.example",
                country="US",
                contact_name="Pat Buyer",
                contact_email="pat@alpineskihouse.example",
                contact_role="Head of IT",
                products=[product],
                amount=Decimal("48000"),
                currency=tenant.default_currency,
                expected_close_on=registered_on + timedelta(days=30),
                deal_type=Deal.Type.NEW,
                notes="Came from our webinar series on cloud backup.",
            ),
            submit=True,
        )
    with demo.played_at(_moment(tenant, registered_on + timedelta(days=1))):
        deal = deal_services.deal_approve(actor=cam, deal=deal, note="Good luck with it.")
    with demo.played_at(_moment(tenant, registered_on + timedelta(days=15))):
        deal_services.deal_mark_won(
            actor=admin,
            deal=deal,
            amount=Decimal("48000"),
            closed_on=registered_on + timedelta(days=15),
        )
    deal.refresh_from_db()
    return deal


def _seed_globex(tenant: Tenant, members: dict[str, Membership]) -> None:
    ops, admin = members.get("ops@globex.test"), members.get("admin@initech.test")
    if not (ops and admin and admin.partner):
        return
    today = timezone.localdate()
    year = year_of(today)
    with demo.played_at(_moment(tenant, year.start - timedelta(days=20))):
        fund = _fund(
            tenant,
            f"Partner marketing {year.start.year}",
            year,
            Fund.Period.YEAR,
            description="Globex co-funds the marketing of its partners in Europe.",
            budget=Decimal("60000"),
            opens_on=year.start - timedelta(days=15),
            closes_on=year.end,
            claim_days=30,
            reimbursement_cap=Decimal("50"),
        )
        allocation_set(
            actor=ops,
            fund=fund,
            partner=admin.partner,
            amount=Decimal("12000"),
            reason="Initech's marketing plan for the year",
        )
    starts = min(today + timedelta(days=14), year.end)
    with demo.played_at(timezone.now() - timedelta(hours=5)):
        request_save(
            actor=admin,
            fund=fund,
            data=RequestInput(
                activity_type=MdfRequest.Activity.DIGITAL,
                title="Finance cloud campaign",
                description="Search and LinkedIn ads for Globex Ledger aimed at finance teams.",
                audience="CFOs and finance directors of banks and insurers",
                activities="Search ads, LinkedIn sponsored content, a landing page",
                starts_on=starts,
                ends_on=min(starts + timedelta(days=30), year.end),
                expected_leads=60,
                expected_pipeline=Decimal("180000"),
                amount=Decimal("6000"),
            ),
            answers=_answers(fund, "Globex Ledger", "Europe"),
            submit=True,
        )


def invoice_pdf(
    tenant: Tenant, *, number: str, issuer: str, billed_to: str, lines: list[tuple[str, Decimal]]
) -> bytes:
    """A supplier's invoice as a real PDF: the partner's proof of performance in the demo."""
    # Imported here: WeasyPrint takes a second or two to import (see deals.demo.quote_pdf).
    from prm.pdf import render_pdf

    return render_pdf(
        "mdf/demo/invoice_pdf.html",
        {
            "number": number,
            "issuer": issuer,
            "billed_to": billed_to,
            "issued": timezone.localdate(),
            "currency": tenant.default_currency,
            "lines": [{"label": label, "amount": amount} for label, amount in lines],
            "total": sum((amount for _label, amount in lines), Decimal("0")),
        },
    )
