"""Factories for partner companies."""

import factory
from factory import SubFactory
from factory.django import DjangoModelFactory

from partners.models import Partner
from prm.tenancy.tests.factories import TenantFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner Company {n}")
    website = factory.LazyAttribute(lambda p: f"https://p{p.name.split()[-1]}.example")
    status = Partner.Status.ACTIVE
