"""The deals app's demo data: products, protected accounts, registrations in every status,
a conflict and an overdue registration waiting for the CAM, and leads for Northwind.

Everything goes through the services, as partners and CAMs would do it; only the clock is
turned back afterwards (submitted days ago, protection ending soon), which no service can do.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from partners.models import Partner
from prm.normalize import company_core, company_key, registered_domain
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from . import services
from .models import Deal, Lead, Product, ProtectedAccount
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
    for i, (email, customer, website, amount, fate) in enumerate(DEMO_DEALS.get(tenant.slug, [])):
        owner = members.get(email)
        if owner is None or cam is None:
            continue
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
                expected_close_on=timezone.localdate() + timedelta(days=30 + 7 * i),
                deal_type=Deal.Type.NEW,
                notes="",
            ),
            submit=fate != "draft",
        )
        _play(tenant, deal, fate, owner, cam)
    _seed_leads(tenant, members)


def _play(tenant: Tenant, deal: Deal, fate: str, owner: Membership, cam: Membership) -> None:
    now = timezone.now()
    if fate in ("approved", "expiring", "won", "lost"):
        deal = services.deal_approve(actor=cam, deal=deal, note="Good luck with it.")
    if fate == "expiring":
        Deal.objects.filter(pk=deal.pk).update(expires_at=now + timedelta(days=6))
    elif fate == "won":
        services.deal_mark_won(
            actor=owner, deal=deal, amount=deal.amount, closed_on=timezone.localdate()
        )
    elif fate == "lost":
        services.deal_mark_lost(actor=owner, deal=deal, reason="The customer chose a competitor.")
    elif fate == "info":
        services.deal_request_info(
            actor=cam, deal=deal, message="Which departments will use it, and who signs?"
        )
    elif fate == "rejected":
        reason = reject_reasons_for(tenant).first()
        if reason is not None:
            services.deal_reject(
                actor=cam, deal=deal, reason=reason, note="Their parent company buys direct."
            )
    elif fate == "withdrawn":
        services.deal_withdraw(actor=owner, deal=deal, reason="The project was cancelled.")
    elif fate == "overdue":
        # Submitted a week ago: past its decision target, waiting for the CAM.
        Deal.objects.filter(pk=deal.pk).update(
            submitted_at=now - timedelta(days=7),
            sla_due_at=now - timedelta(days=3),
        )


def _seed_leads(tenant: Tenant, members: dict[str, Membership]) -> None:
    staff = next((m for m in members.values() if m.role == Role.PARTNER_OPS), None)
    if staff is None:
        return
    for customer, website, contact, email, partner_name, opened in DEMO_LEADS.get(tenant.slug, []):
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
        if opened:
            Lead.objects.filter(pk=lead.pk).update(opened_at=timezone.now())
