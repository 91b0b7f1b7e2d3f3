"""Factories for users and invitations."""

import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory import SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from prm.accounts.models import Invitation, User
from prm.tenancy.roles import Role

PASSWORD = "correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    partner = SubFactory("partners.tests.factories.PartnerFactory")
    tenant = SelfAttribute("partner.tenant")
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.PARTNER_REP
    nonce = factory.LazyFunction(lambda: secrets.token_hex(16))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
