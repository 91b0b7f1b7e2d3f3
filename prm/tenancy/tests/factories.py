"""Factories for tenants, their hosts and memberships. Rows derive `tenant` from their parent."""

import factory
from factory import SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from prm.accounts.tests.factories import UserFactory
from prm.tenancy.models import Membership, Tenant, TenantDomain
from prm.tenancy.roles import PARTNER_ROLES, Role


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor{n}")
    portal_title = factory.LazyAttribute(lambda t: f"{t.name} Partner Portal")
    primary_colour = "#123456"
    accent_colour = "#abcdef"
    support_email = factory.LazyAttribute(lambda t: f"help@{t.slug}.test")

    @factory.post_generation
    def host(tenant, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Every tenant answers on `<slug>.localhost` unless a host is given."""
        if create:
            TenantDomain.objects.create(
                tenant=tenant, host=extracted or f"{tenant.slug}.localhost", is_primary=True
            )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = SubFactory(TenantFactory)
    user = SubFactory(UserFactory)
    role = Role.PROGRAM_LEADER
    partner = None


def partner_membership(partner, role=Role.PARTNER_REP, **kwargs):  # type: ignore[no-untyped-def]
    """A partner user's membership; its tenant is the partner's."""
    assert role in PARTNER_ROLES
    return MembershipFactory(tenant=partner.tenant, partner=partner, role=role, **kwargs)


__all__ = ["MembershipFactory", "SelfAttribute", "TenantFactory", "partner_membership"]
