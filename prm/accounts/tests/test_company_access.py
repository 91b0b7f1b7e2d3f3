"""A partner company offboarded or deactivated takes its users' access to that tenant with it,
and gives it back when it returns (prm.accounts.company_access)."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from partners.models import Partner
from partners.services import partner_status_change
from prm.accounts import services as account_services
from prm.accounts.models import Invitation
from prm.accounts.tests.factories import PASSWORD, InvitationFactory, UserFactory
from prm.audit.models import AuditEvent
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import HostClient

ENDED = "access to this partner program has ended"


def move(world, status: str, partner=None) -> None:  # type: ignore[no-untyped-def]
    with scope(tenant=world.tenant):
        partner_status_change(
            actor=world.members[Role.PARTNER_OPS].user,
            partner=partner or world.partner,
            status=status,
            reason="Contract ended",
        )


def sign_in(world, email: str):  # type: ignore[no-untyped-def]
    return HostClient(world.host).post("/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.mark.django_db
def test_an_offboarded_partners_admin_cannot_sign_in_and_is_told_why(ours):
    admin = ours.members[Role.PARTNER_ADMIN].user
    move(ours, Partner.Status.OFFBOARDED)
    response = sign_in(ours, admin.email)
    assert response.status_code == 200
    page = response.content.decode()
    assert ENDED in page
    assert ours.tenant.support_email in page
    # A wrong password gets the usual answer: the message is for the account's owner only.
    wrong = HostClient(ours.host).post("/accounts/login/", {"login": admin.email, "password": "x"})
    assert ENDED not in wrong.content.decode()


@pytest.mark.django_db
def test_a_signed_in_partner_user_is_stopped_on_the_next_request(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert client.get("/").status_code == 200
    move(ours, Partner.Status.OFFBOARDED)
    stopped = client.get("/deals/")
    assert stopped.status_code == 403
    assert ENDED in stopped.content.decode()
    assert client.get("/").status_code == 302  # signed out
    refused = client.post("/deals/new/", {"customer_name": "Sneaky Ltd"})
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_deactivating_the_company_ends_access_too_and_others_keep_theirs(ours):
    move(ours, Partner.Status.INACTIVE)
    assert ENDED in sign_in(ours, ours.members[Role.PARTNER_REP].user.email).content.decode()
    assert sign_in(ours, ours.other_partner_admin.user.email).status_code == 302
    assert sign_in(ours, ours.members[Role.CAM].user.email).status_code == 302


@pytest.mark.django_db
def test_the_same_person_keeps_their_access_to_other_tenants(ours, theirs):
    person = UserFactory()
    with scope(tenant=ours.tenant):
        partner_membership(ours.partner, user=person)
    with scope(tenant=theirs.tenant):
        partner_membership(theirs.partner, user=person)
    move(ours, Partner.Status.OFFBOARDED)
    assert ENDED in sign_in(ours, person.email).content.decode()
    assert sign_in(theirs, person.email).status_code == 302


@pytest.mark.django_db
def test_reactivation_restores_access_but_not_to_members_removed_on_their_own(ours):
    admin = ours.members[Role.PARTNER_ADMIN]
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        account_services.membership_deactivate(
            actor=ours.members[Role.PARTNER_OPS], membership=rep, reason="Left the company"
        )
    move(ours, Partner.Status.INACTIVE)
    move(ours, Partner.Status.ACTIVE)
    assert sign_in(ours, admin.user.email).status_code == 302
    assert ENDED not in sign_in(ours, rep.user.email).content.decode()
    with scope(tenant=ours.tenant):
        assert Membership.objects.get(pk=admin.pk).is_active
        assert not Membership.objects.get(pk=rep.pk).is_active


@pytest.mark.django_db
def test_a_member_removed_while_the_company_is_away_stays_removed_when_it_returns(ours):
    rep = ours.members[Role.PARTNER_REP]
    move(ours, Partner.Status.OFFBOARDED)
    with scope(tenant=ours.tenant):
        account_services.membership_deactivate(
            actor=ours.members[Role.PARTNER_OPS], membership=rep, reason="Left the company"
        )
    move(ours, Partner.Status.ONBOARDING)
    with scope(tenant=ours.tenant):
        assert not Membership.objects.get(pk=rep.pk).is_active
        assert Membership.objects.get(pk=ours.members[Role.PARTNER_ADMIN].pk).is_active


@pytest.mark.django_db
def test_nobody_joins_or_is_reactivated_in_a_company_whose_access_ended(ours):
    ops = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant):
        pending = InvitationFactory(partner=ours.partner, invited_by=ops.user)
    move(ours, Partner.Status.OFFBOARDED)
    with scope(tenant=ours.tenant):
        assert Invitation.objects.get(pk=pending.pk).status == Invitation.Status.REVOKED
        with pytest.raises(ValidationError, match=r"access .* has ended"):
            account_services.invitation_create(
                actor=ops, email="new@partner.test", role=Role.PARTNER_REP, partner=ours.partner
            )
        with pytest.raises(ValidationError, match=r"access .* has ended"):
            account_services.membership_reactivate(
                actor=ops, membership=ours.members[Role.PARTNER_REP]
            )


@pytest.mark.django_db
def test_the_end_and_the_return_of_access_are_audited_per_member(ours):
    admin = ours.members[Role.PARTNER_ADMIN]
    move(ours, Partner.Status.OFFBOARDED)
    move(ours, Partner.Status.ONBOARDING)
    with scope(tenant=ours.tenant):
        events = AuditEvent.objects.filter(
            object_id=str(admin.pk), action__startswith="accounts.membership."
        ).order_by("pk")
        assert [(e.action, e.reason) for e in events] == [
            ("accounts.membership.suspended", "Contract ended"),
            ("accounts.membership.restored", "Contract ended"),
        ]
        assert events[0].actor == ours.members[Role.PARTNER_OPS].user
