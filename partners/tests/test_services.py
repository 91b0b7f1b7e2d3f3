"""Partner lifecycle and CAM assignment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from partners import services
from partners.models import Partner, PartnerType
from partners.selectors import assigned_cams
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_a_status_change_needs_a_reason_follows_the_lifecycle_and_is_audited(ours):
    leader = ours.members[Role.PROGRAM_LEADER].user
    with scope(tenant=ours.tenant):
        ours.partner.status = Partner.Status.ONBOARDING
        ours.partner.save()
        with pytest.raises(ValidationError):
            services.partner_status_change(
                actor=leader, partner=ours.partner, status="active", reason=" "
            )
        with pytest.raises(ValidationError) as exc:
            services.partner_status_change(
                actor=leader, partner=ours.partner, status="applicant", reason="x"
            )
        assert "cannot become applicant" in str(exc.value)
        partner = services.partner_status_change(
            actor=leader, partner=ours.partner, status="active", reason="Signed and trained"
        )
        assert partner.joined_on is not None
        event = AuditEvent.objects.get(action="partners.partner.status_changed")
        assert (event.before, event.after, event.reason) == (
            {"status": "onboarding"},
            {"status": "active"},
            "Signed and trained",
        )
        told = Notification.objects.filter(event="partners.partner.status_changed")
        assert {n.recipient for n in told} == {ours.members[Role.PARTNER_ADMIN].user}
        assert "is now active" in told[0].title


@pytest.mark.django_db
def test_assigning_cams_grants_per_object_access_and_tells_the_new_cam(ours):
    second_cam = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    actor = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant):
        services.partner_assign_cams(actor=actor, partner=ours.other_partner, cams=[second_cam])
        assert list(assigned_cams(partner=ours.other_partner)) == [second_cam]
        assert not second_cam.user.has_perm("partners.manage_partner")  # nothing model-wide
        assert second_cam.user.has_perm("partners.manage_partner", ours.other_partner)
        assert Notification.objects.filter(
            recipient=second_cam.user, event="partners.partner.cams_assigned"
        ).exists()
        services.partner_assign_cams(actor=actor, partner=ours.other_partner, cams=[])
        assert not assigned_cams(partner=ours.other_partner).exists()
        event = AuditEvent.objects.filter(action="partners.partner.cams_assigned").first()
        assert event.before == {"cams": [second_cam.user.email]}
        assert event.after == {"cams": []}


@pytest.mark.django_db
def test_only_leaders_and_ops_assign_and_only_cams_of_the_tenant(ours, theirs):
    with scope(tenant=ours.tenant):
        with pytest.raises(PermissionDenied):
            services.partner_assign_cams(
                actor=ours.members[Role.CAM], partner=ours.partner, cams=[ours.members[Role.CAM]]
            )
        with pytest.raises(ValidationError):
            services.partner_assign_cams(
                actor=ours.members[Role.PROGRAM_LEADER],
                partner=ours.partner,
                cams=[ours.members[Role.PARTNER_OPS]],
            )
        with pytest.raises(ValidationError):
            services.partner_assign_cams(
                actor=ours.members[Role.PROGRAM_LEADER],
                partner=ours.partner,
                cams=[theirs.members[Role.CAM]],
            )


@pytest.mark.django_db
def test_a_new_tenant_gets_the_default_partner_types(ours):
    with scope(tenant=ours.tenant):
        services.partner_types_ensure_defaults(tenant=ours.tenant)
        services.partner_types_ensure_defaults(tenant=ours.tenant)
        names = set(PartnerType.objects.filter(tenant=ours.tenant).values_list("name", flat=True))
    assert {"Reseller", "Referral", "Systems integrator", "Agency", "Affiliate"} <= names


@pytest.mark.django_db
def test_the_website_gives_the_partners_normalized_domain(ours):
    with scope(tenant=ours.tenant):
        ours.partner.website = "https://www.shop.northwind.co.uk/about"
        ours.partner.save()
        ours.partner.refresh_from_db()
    assert ours.partner.domain == "northwind.co.uk"
