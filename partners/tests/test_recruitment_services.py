"""Recruitment services: receiving, approving, declining and re-scoring applications."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from partners.models import Application, Partner, ProfileCriterion
from partners.recruitment import services as recruitment
from partners.tests.factories import ApplicationFactory
from prm.accounts.models import Invitation
from prm.audit.models import AuditEvent
from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory

ANSWERS = {
    "company_name": "Tailwind Traders",
    "contact_name": "Tara Tailwind",
    "contact_email": "Tara@TailwindTraders.example",
    "country": "DE",
    "website": "https://www.tailwindtraders.example",
    "region": "emea",
    "industry": "software",
    "size_band": "51-200",
    "annual_revenue": Decimal("1500000"),
}


def submit(world, **answers):
    with scope(tenant=world.tenant):
        return recruitment.application_submit(
            tenant=world.tenant, answers={**ANSWERS, **answers}, ip="192.0.2.7"
        )


def approve(world, application, role=Role.PARTNER_OPS, **kwargs):
    with scope(tenant=world.tenant):
        return recruitment.application_approve(
            actor=world.members[role], application=application, **kwargs
        )


def decline(world, application, reason="Out of our region", role=Role.PARTNER_OPS):
    with scope(tenant=world.tenant):
        return recruitment.application_decline(
            actor=world.members[role], application=application, reason=reason
        )


@pytest.mark.django_db
def test_an_application_is_recorded_audited_and_partner_ops_are_told(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(ours, partner_type=ours.partner_type)
    assert app.contact_email == "tara@tailwindtraders.example"
    assert (app.email_domain, app.website_domain) == ("tailwindtraders.example",) * 2
    assert app.currency == ours.tenant.default_currency
    assert app.ip_address == "192.0.2.7"
    assert app.score == 100  # the world's profile: region EMEA
    with scope(tenant=ours.tenant):
        assert AuditEvent.objects.filter(
            action="partners.application.received", object_id=str(app.pk)
        ).exists()
        received = list(Notification.objects.filter(event=app_event("received")))
    assert {n.recipient for n in received} == {ours.members[Role.PARTNER_OPS].user}
    assert received[0].title == "New partner application: Tailwind Traders"
    assert (
        received[0].body
        == "Tara Tailwind applied for Tailwind Traders (Germany). Score: 100 / 100."
    )
    assert received[0].link == f"/admin/partners/application/{app.pk}/change/"
    # The applicant's confirmation, in the tenant's name and colours.
    mail = next(m for m in mailoutbox if m.to == [app.contact_email])
    assert ours.tenant.portal_title in mail.subject
    assert ours.tenant.primary_colour in mail.alternatives[0][0]
    assert "Tailwind Traders" in mail.body


def app_event(what: str) -> str:
    return f"partners.application.{what}"


@pytest.mark.django_db
def test_a_closed_program_and_a_foreign_partner_type_are_refused(ours, theirs):
    with pytest.raises(ValidationError) as foreign:
        submit(ours, partner_type=theirs.partner_type)
    assert "partner_type" in foreign.value.message_dict
    with scope(tenant=ours.tenant):
        ours.recruitment_settings.is_open = False
        ours.recruitment_settings.save()
    with pytest.raises(ValidationError, match="not taking applications"):
        submit(ours)
    with scope(tenant=ours.tenant):
        assert not Application.objects.filter(company_name="Tailwind Traders").exists()


@pytest.mark.django_db
def test_approving_creates_the_partner_and_invites_the_contact_as_its_admin(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    app = submit(ours, partner_type=ours.partner_type)
    with django_capture_on_commit_callbacks(execute=True):
        partner = approve(ours, app)
    assert partner.name == "Tailwind Traders"
    assert partner.status == Partner.Status.ONBOARDING
    assert (partner.partner_type, str(partner.country), partner.region) == (
        ours.partner_type,
        "DE",
        "emea",
    )
    assert (partner.industry, partner.size_band, partner.domain) == (
        "software",
        "51-200",
        "tailwindtraders.example",
    )
    with scope(tenant=ours.tenant):
        app.refresh_from_db()
        invitation = Invitation.objects.pending().get(email="tara@tailwindtraders.example")
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        told = {n.recipient for n in Notification.objects.filter(event=app_event("approved"))}
    assert (app.status, app.partner, app.decided_by) == (
        "approved",
        partner,
        ours.members[Role.PARTNER_OPS].user,
    )
    assert app.decided_at is not None
    assert (invitation.role, invitation.partner) == (Role.PARTNER_ADMIN, partner)
    assert {"partners.application.approved", "partners.partner.created"} <= actions
    assert told == {ours.members[Role.PROGRAM_LEADER].user}  # not the ops member who acted
    assert any(m.to == [invitation.email] and "/invitations/" in m.body for m in mailoutbox)


@pytest.mark.django_db
def test_approving_under_a_name_that_exists_changes_nothing(ours):
    app = submit(ours, company_name=ours.partner.name.upper())
    with pytest.raises(ValidationError) as exc:
        approve(ours, app)
    assert "already exists" in exc.value.message_dict["name"][0]
    with scope(tenant=ours.tenant):
        app.refresh_from_db()
        assert app.status == "pending"
        assert Partner.objects.filter(tenant=ours.tenant).count() == 2
        assert not Invitation.objects.filter(email=app.contact_email).exists()
    # Under another name it goes through.
    assert approve(ours, app, name="Tailwind Germany").name == "Tailwind Germany"


@pytest.mark.django_db
def test_a_contact_who_is_already_a_member_cannot_be_invited_and_nothing_changes(ours):
    member = ours.members[Role.PARTNER_REP].user
    app = submit(ours, contact_email=member.email)
    with pytest.raises(ValidationError, match="already a member"):
        approve(ours, app)
    with scope(tenant=ours.tenant):
        assert not Partner.objects.filter(name="Tailwind Traders").exists()
        app.refresh_from_db()
        assert app.status == "pending"


@pytest.mark.django_db
def test_an_application_is_decided_only_once(ours):
    app = submit(ours)
    approve(ours, app)
    with pytest.raises(ValidationError, match="already approved"):
        approve(ours, app, name="Another name")
    with pytest.raises(ValidationError, match="already approved"):
        decline(ours, app)
    with scope(tenant=ours.tenant):
        assert Partner.objects.filter(applications=app).count() == 1
        assert Invitation.objects.filter(email=app.contact_email).count() == 1


@pytest.mark.django_db
def test_cams_and_partner_users_may_not_decide(ours):
    app = submit(ours)
    for role in (Role.CAM, Role.PARTNER_ADMIN):
        with pytest.raises(PermissionDenied):
            approve(ours, app, role=role)
        with pytest.raises(PermissionDenied):
            decline(ours, app, role=role)


@pytest.mark.django_db
def test_declining_needs_a_reason_and_tells_the_applicant_in_the_tenants_branding(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    app = submit(ours)
    with pytest.raises(ValidationError) as exc:
        decline(ours, app, reason="   ")
    assert "reason" in exc.value.message_dict
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decline(ours, app, reason="We only take partners in North America this year.")
    with scope(tenant=ours.tenant):
        app.refresh_from_db()
        event = AuditEvent.objects.get(action="partners.application.declined")
        told = {n.recipient for n in Notification.objects.filter(event=app_event("declined"))}
        row = EmailOutbox.objects.get(to_email=app.contact_email, subject__contains="Your")
    assert (app.status, app.decline_reason) == (
        "declined",
        "We only take partners in North America this year.",
    )
    assert event.reason == app.decline_reason
    assert told == set()  # the only partner ops member is the one who declined
    assert row.status == "sent"
    mail = next(m for m in mailoutbox if m.to == [app.contact_email])
    assert ours.tenant.portal_title in mail.subject
    assert "We only take partners in North America this year." in mail.body
    html = mail.alternatives[0][0]
    assert ours.tenant.primary_colour in html
    assert "We only take partners in North America this year." in html


@pytest.mark.django_db
def test_declining_tells_the_other_partner_ops_members(ours):
    colleague = MembershipFactory(tenant=ours.tenant, role=Role.PARTNER_OPS)
    decline(ours, submit(ours))
    with scope(tenant=ours.tenant):
        told = {n.recipient for n in Notification.objects.filter(event=app_event("declined"))}
    assert told == {colleague.user}


@pytest.mark.django_db
def test_rescoring_follows_the_current_profile_but_decided_applications_keep_theirs(ours):
    pending = submit(ours, industry="retail")
    decided = submit(ours, contact_email="other@tailwindtraders.example", company_name="T2")
    decline(ours, decided)
    assert pending.score == 100
    with scope(tenant=ours.tenant):
        ProfileCriterion.objects.create(
            tenant=ours.tenant, field="industry", industries=["finance"], weight=30, must_have=True
        )
        rescored = recruitment.application_rescore(
            actor=ours.members[Role.PARTNER_OPS], application=pending
        )
        assert (rescored.score, rescored.must_have_failed) == (25, True)
        assert AuditEvent.objects.filter(action="partners.application.rescored").exists()
        with pytest.raises(ValidationError):
            recruitment.application_rescore(
                actor=ours.members[Role.PARTNER_OPS], application=decided
            )
        decided.refresh_from_db()
        assert decided.score == 100


@pytest.mark.django_db
def test_rescoring_picks_up_a_partner_that_joined_since(ours):
    with scope(tenant=ours.tenant):
        app = ApplicationFactory(
            tenant=ours.tenant, contact_email="x@joined.example", email_domain="joined.example"
        )
        assert app.matched_partner is None
        joined = Partner.objects.create(
            tenant=ours.tenant, name="Joined", website="https://joined.example"
        )
        recruitment.application_rescore(actor=ours.members[Role.PROGRAM_LEADER], application=app)
        app.refresh_from_db()
    assert app.matched_partner == joined
