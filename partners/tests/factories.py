"""Factories for partner companies."""

import factory
from factory import SubFactory
from factory.django import DjangoModelFactory

from partners.models import Application, Partner
from prm.tenancy.tests.factories import TenantFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner Company {n}")
    website = factory.LazyAttribute(lambda p: f"https://p{p.name.split()[-1]}.example")
    status = Partner.Status.ACTIVE


class ApplicationFactory(DjangoModelFactory):
    """A pending application as it arrives (scoring and flags are left to the service)."""

    class Meta:
        model = Application

    tenant = SubFactory(TenantFactory)
    company_name = factory.Sequence(lambda n: f"Applicant Company {n}")
    contact_name = "Alex Applicant"
    contact_email = factory.Sequence(lambda n: f"alex{n}@applicant{n}.example")
    email_domain = factory.LazyAttribute(lambda a: a.contact_email.rsplit("@", 1)[1])
    country = "DE"
    region = Partner.Region.EMEA
