"""The deals app's demo data: products, protected accounts, registrations in every status,
a conflict and an overdue registration waiting for the CAM, a registration with a quote attached
and a short exchange with the CAM, and leads for Northwind.

Everything goes through the services, as partners and CAMs would do it, and each step at the
moment it would have happened (`_at`): a registration approved 84 days ago with a 90-day window
is protected for 6 more days, and its approval notice, its history, the list and the page all
say the same dates. (Turning one date back after the services ran is what once made an approval
notice say March 6 while the list said December 12.)
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import Partner
from prm.normalize import company_core, company_key, registered_domain
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from . import services
from .models import Deal, DealAttachment, Product, ProtectedAccount
from .selectors import reject_reasons_for
from .setup import deal_defaults_ensure

DEMO_PRODUCTS = {
    "acme": ["Acme Cloud Suite", "Acme Analytics", "Acme Security Add-on", "Premium Support"],
    "globex": ["Globex Platform", "Globex Data Connector", "Globex Training Pack"],
}
#: (name, domain, owner, kind)
DEMO_ACCOUNTS = {
    "acme": [
        ("Woodgrove Bank", "woodgrove.example", "Dana Direct", ProtectedAccount.Kind.DIRECT),
        ("Adventure Works", "adventure-works.example", "Dana Direct", ProtectedAccount.Kind.DIRECT),
        ("Litware Inc", "litware-corp.example", "Sam Success", ProtectedAccount.Kind.CUSTOMER),
    ],
    "globex": [
        ("Trey Research", "treyresearch.example", "Gil Direct", ProtectedAccount.Kind.DIRECT),
    ],
}

#: (user, customer, website, amount, what happens to it after it is saved)
DEMO_DEALS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "acme": [
        ("rep@northwind.test", "Alpine Ski House", "alpineskihouse.example", "36000", "draft"),
        (
            "rep@northwind.test",
            "Blue Yonder Airlines",
            "blueyonder-air.example",
            "125000",
            "submitted",
        ),
        ("rep@northwind.test", "Proseware Retail", "proseware-retail.example", "54000", "overdue"),
        ("rep@northwind.test", "Lucerne Publishing", "lucernepublishing.example", "22000", "info"),
        ("rep@northwind.test", "Fourth Coffee", "fourthcoffee.example", "18500", "approved"),
        (
            "rep@northwind.test",
            "Graphic Design Institute",
            "graphicdesign.example",
            "9800",
            "expiring",
        ),
        ("admin@northwind.test", "Wingtip Toys", "wingtiptoys.example", "67000", "won"),
        ("rep@northwind.test", "Southridge Video", "southridgevideo.example", "41000", "lost"),
        (
            "rep@northwind.test",
            "Humongous Insurance",
            "humongousinsurance.example",
            "88000",
            "rejected",
        ),
        ("rep@northwind.test", "School of Fine Art", "fineartschool.example", "7000", "withdrawn"),
        ("rep@northwind.test", "Coho Winery", "cohowinery.example", "31000", "submitted"),
        ("rep@contoso.test", "Coho Winery AG", "www.cohowinery.example", "29000", "submitted"),
        ("rep@contoso.test", "Margie's Travel", "margiestravel.example", "46000", "approved"),
        ("rep@contoso.test", "VanArsdel Ltd", "vanarsdel.example", "15500", "submitted"),
    ],
    "globex": [
        ("rep@initech.test", "Nod Publishers", "nodpublishers.example", "27000", "submitted"),
        ("rep@initech.test", "Relecloud", "relecloud.example", "99000", "approved"),
        ("admin@initech.test", "Munson's Pickles", "munsonspickles.example", "12000", "won"),
    ],
}

#: (customer, website, contact, email, assigned to, opened)
DEMO_LEADS: dict[str, list[tuple[str, str, str, str, str | None, bool]]] = {
    "acme": [
        ("Tailwind Traders", "tailwindtraders.example", "Tara Wind", "tara@tailwindtraders.example",
         "Northwind Solutions", True),
        ("First Up Consultants", "firstupconsultants.example", "Finn Up",
         "finn@firstupconsultants.example", "Northwind Solutions", False),
        ("City Power & Light", "citypower.example", "Cy Power", "cy@citypower.example", None,
         False),
    ],
    "globex": [
        ("Bellows College", "bellowscollege.example", "Bea Bellows", "bea@bellowscollege.example",
         "Initech", False),
    ],
}  # fmt: skip


#: when each registration's story happened, in days before now: (submitted, decided, closed)
STORY: dict[str, tuple[float, float | None, float | None]] = {
    "draft": (2, None, None),  # saved, not submitted
    "submitted": (0.05, None, None),
    "overdue": (7, None, None),
    "info": (3, 2, None),
    "approved": (12, 10, None),
    "expiring": (86, 84, None),
    "won": (40, 38, 2),
    "lost": (30, 28, 1),
    "rejected": (9, 8, None),
    "withdrawn": (20, 15, None),
}


def _ago(now: datetime, days: float | None, stagger: int = 0) -> datetime:
    """`days` before `now`, a few minutes apart for registrations of the same story (the first
    registered first: Northwind's Coho Winery before Contoso's)."""
    return now - timedelta(days=days or 0) + timedelta(minutes=stagger)


def seed_deals(tenant: Tenant) -> None:
    """Products, accounts, registrations and leads (once: a tenant with deals is left alone)."""
    deal_defaults_ensure(tenant=tenant)
    for name in DEMO_PRODUCTS.get(tenant.slug, []):
        Product.objects.get_or_create(tenant=tenant, name=name)
    for name, domain, account_owner, kind in DEMO_ACCOUNTS.get(tenant.slug, []):
        ProtectedAccount.objects.update_or_create(
            tenant=tenant,
            domain=registered_domain(domain),
            defaults={
                "name": name,
                "name_core": company_core(name),
                "name_key": company_key(name),
                "owner": account_owner,
                "kind": kind,
            },
        )
    if Deal.objects.filter(tenant=tenant).exists():
        return
    members = {
        m.user.email: m
        for m in Membership.objects.filter(tenant=tenant, is_active=True).select_related("user")
    }
    cam = next((m for m in members.values() if m.role == Role.CAM), None)
    products = list(Product.objects.filter(tenant=tenant))
    now = timezone.now()
    for i, (email, customer, website, amount, fate) in enumerate(DEMO_DEALS.get(tenant.slug, [])):
        owner = members.get(email)
        if owner is None or cam is None:
            continue
        submitted, decided, closed = STORY[fate]
        with demo.played_at(_ago(now, submitted, stagger=i)):
            deal = services.deal_save(
                actor=owner,
                data=services.DealInput(
                    customer_name=customer,
                    customer_website=website,
                    country=str(owner.partner.country or "US") if owner.partner else "US",
                    contact_name="Pat Buyer",
                    contact_email=f"pat@{registered_domain(website)}",
                    contact_role="Head of IT",
                    products=products[i % len(products) : i % len(products) + 1],
                    amount=Decimal(amount),
                    currency=tenant.default_currency,
                    expected_close_on=now.date() + timedelta(days=30 + 7 * i),
                    deal_type=Deal.Type.NEW,
                    notes="",
                ),
                submit=fate != "draft",
            )
        if decided is not None:
            with demo.played_at(_ago(now, decided, stagger=i)):
                deal = _decide(tenant, deal, fate, owner, cam)
        if closed is not None:
            with demo.played_at(_ago(now, closed, stagger=i)):
                _close(deal, fate, owner)
    _seed_exchange(tenant, members, cam, now)
    _seed_leads(tenant, members, now)


def quote_pdf(
    *,
    number: str,
    partner_name: str,
    customer_name: str,
    issued: date,
    lines: list[tuple[str, Decimal]],
    currency: str,
    terms: str = "",
) -> bytes:
    """A partner's quote as a real PDF, rendered like every PDF of the product (prm.pdf): the
    partner's own document, so without the vendor's brand. Valid for 30 days from `issued`."""
    # Imported here: WeasyPrint takes a second or two to import, and this module is imported by
    # every process at start-up (DealsConfig.ready registers the seeder), not only the seeding one.
    from prm.pdf import render_pdf

    return render_pdf(
        "deals/demo/quote_pdf.html",
        {
            "number": number,
            "partner_name": partner_name,
            "customer_name": customer_name,
            "issued": issued,
            "valid_until": issued + timedelta(days=30),
            "currency": currency,
            "lines": [{"label": label, "amount": amount} for label, amount in lines],
            "total": sum((amount for _label, amount in lines), Decimal("0")),
            "terms": terms,
        },
    )


def _seed_exchange(
    tenant: Tenant, members: dict[str, Membership], cam: Membership | None, now: datetime
) -> None:
    """Northwind's rep attached the quote to Blue Yonder Airlines when registering it; the CAM
    asked about it and the rep answered, a few minutes ago (the CAM has not read it yet)."""
    deal = Deal.objects.filter(tenant=tenant, customer_name="Blue Yonder Airlines").first()
    if deal is None or cam is None:
        return
    rep = deal.owner
    quote = quote_pdf(
        number="Q-2026-0142",
        partner_name=deal.partner.name,
        customer_name=deal.customer_name,
        issued=timezone.localdate(now) - timedelta(days=2),
        lines=[("Acme Cloud Suite, 250 seats, 36 months", deal.amount)],
        currency=deal.currency,
        terms="Signed by the customer's CFO. Prices exclude VAT.",
    )
    with demo.played_at(now - timedelta(minutes=70)):
        services.attachment_add(
            actor=rep,
            deal=deal,
            file=SimpleUploadedFile("Quote Q-2026-0142.pdf", quote, "application/pdf"),
            kind=DealAttachment.Kind.QUOTE,
            label="Signed by their CFO",
        )
    with demo.played_at(now - timedelta(minutes=40)):
        services.comment_post(
            actor=cam, deal=deal, body="Thanks for the quote. Is the 36-month term firm?"
        )
    with demo.played_at(now - timedelta(minutes=12)):
        services.comment_post(
            actor=rep,
            deal=deal,
            body="Yes: their board approved three years. The PO follows next week.",
        )


def _decide(tenant: Tenant, deal: Deal, fate: str, owner: Membership, cam: Membership) -> Deal:
    """What the CAM (or, for a withdrawal, the partner) did with the submitted registration."""
    if fate in ("approved", "expiring", "won", "lost"):
        return services.deal_approve(actor=cam, deal=deal, note="Good luck with it.")
    if fate == "info":
        return services.deal_request_info(
            actor=cam, deal=deal, message="Which departments will use it, and who signs?"
        )
    if fate == "rejected":
        reason = reject_reasons_for(tenant).first()
        if reason is not None:
            return services.deal_reject(
                actor=cam, deal=deal, reason=reason, note="Their parent company buys direct."
            )
    if fate == "withdrawn":
        return services.deal_withdraw(actor=owner, deal=deal, reason="The project was cancelled.")
    return deal


def _close(deal: Deal, fate: str, owner: Membership) -> None:
    if fate == "won":
        services.deal_mark_won(
            actor=owner, deal=deal, amount=deal.amount, closed_on=timezone.localdate()
        )
    elif fate == "lost":
        services.deal_mark_lost(actor=owner, deal=deal, reason="The customer chose a competitor.")


def _seed_leads(tenant: Tenant, members: dict[str, Membership], now: datetime) -> None:
    """Leads sent yesterday: Northwind opened one this morning, not the other; one waits in
    the queue."""
    staff = next((m for m in members.values() if m.role == Role.PARTNER_OPS), None)
    if staff is None:
        return
    for customer, website, contact, email, partner_name, opened in DEMO_LEADS.get(tenant.slug, []):
        with demo.played_at(now - timedelta(days=1)):
            lead = services.lead_create(
                actor=staff,
                data=services.LeadInput(
                    customer_name=customer,
                    customer_website=website,
                    country="US",
                    contact_name=contact,
                    contact_email=email,
                    contact_role="Procurement",
                    notes="Asked for a demo at our booth; wants a local partner.",
                ),
            )
            partner = Partner.objects.filter(tenant=tenant, name=partner_name).first()
            if partner is None:
                continue
            lead = services.lead_assign(actor=staff, lead=lead, partner=partner)
        reader = next((m for m in members.values() if m.partner_id == partner.pk), None)
        if opened and reader is not None:
            with demo.played_at(now - timedelta(hours=3)):
                services.lead_open(actor=reader, lead=lead)
