"""Factories for products, protected accounts, registrations and leads.

Each derives `tenant` from its parent (the partner, the deal), so data cannot straddle tenants.
`DealFactory` builds a draft; `registered(...)` builds one through the services, as a partner
would, so its claim, matches and clock are real.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory import SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from deals import services
from deals.models import Deal, Lead, Product, ProtectedAccount, RejectReason
from partners.tests.factories import PartnerFactory
from prm.normalize import company_core, company_key
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import TenantFactory, partner_membership


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")


class RejectReasonFactory(DjangoModelFactory):
    class Meta:
        model = RejectReason

    tenant = SubFactory(TenantFactory)
    label = factory.Sequence(lambda n: f"Reason {n}")


class ProtectedAccountFactory(DjangoModelFactory):
    class Meta:
        model = ProtectedAccount

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Direct Customer {n}")
    domain = factory.Sequence(lambda n: f"direct{n}.example")
    name_core = factory.LazyAttribute(lambda a: company_core(a.name))
    name_key = factory.LazyAttribute(lambda a: company_key(a.name))
    kind = ProtectedAccount.Kind.DIRECT


class DealFactory(DjangoModelFactory):
    """A draft registration by a rep of the partner (a new rep unless `owner` is given)."""

    class Meta:
        model = Deal
        skip_postgeneration_save = True

    partner = SubFactory(PartnerFactory)
    tenant = SelfAttribute("partner.tenant")
    owner = factory.LazyAttribute(lambda d: partner_membership(d.partner, Role.PARTNER_REP))
    customer_name = factory.Sequence(lambda n: f"Customer Company {n}")
    customer_website = factory.Sequence(lambda n: f"https://www.customer{n}.example")
    customer_domain = factory.LazyAttribute(
        lambda d: d.customer_website.split("www.")[-1].strip("/")
    )
    customer_core = factory.LazyAttribute(lambda d: company_core(d.customer_name))
    customer_key = factory.LazyAttribute(lambda d: d.customer_domain)
    country = "DE"
    contact_name = "Casey Contact"
    contact_email = "casey@customer.example"
    amount = Decimal("25000.00")
    currency = "EUR"
    expected_close_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))

    @factory.post_generation
    def products(deal, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            deal.products.set(extracted or [ProductFactory(tenant=deal.tenant)])


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    tenant = SubFactory(TenantFactory)
    customer_name = factory.Sequence(lambda n: f"Lead Company {n}")
    customer_website = factory.Sequence(lambda n: f"lead{n}.example")
    country = "US"
    contact_name = "Lee Lead"
    contact_email = factory.Sequence(lambda n: f"lee{n}@lead.example")


def deal_input(products: list[Product], **overrides: Any) -> services.DealInput:
    """What a partner would type, with sensible values; override any field."""
    values: dict[str, Any] = {
        "customer_name": "Tailspin Toys Ltd",
        "customer_website": "https://www.tailspintoys.example",
        "country": "GB",
        "contact_name": "Terry Tailspin",
        "contact_email": "terry@tailspintoys.example",
        "contact_role": "CIO",
        "products": products,
        "amount": Decimal("48000"),
        "currency": "EUR",
        "expected_close_on": timezone.localdate() + timedelta(days=45),
        "deal_type": Deal.Type.NEW,
        "notes": "",
    }
    values.update(overrides)
    return services.DealInput(**values)


def registered(owner: Any, *, submit: bool = True, **overrides: Any) -> Deal:
    """A registration saved (and by default submitted) through the services by `owner`."""
    product = Product.objects.filter(tenant_id=owner.tenant_id, is_active=True).first()
    if product is None:
        product = ProductFactory(tenant=owner.tenant)
    return services.deal_save(actor=owner, data=deal_input([product], **overrides), submit=submit)
