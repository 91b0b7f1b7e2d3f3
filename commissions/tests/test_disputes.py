"""Disputes: a partner admin questions a line; partner operations answer, maybe with an
adjustment; both sides are told; the thread stays with the line (`services.disputes`), through
the portal's and the admin UI's pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commissions.models import Dispute, DisputeMessage, Line
from commissions.services.disputes import dispute_answer, dispute_raise
from commissions.tests.factories import line_row
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.workflow import TransitionError
from tests.html_forms import form_values

pytestmark = pytest.mark.django_db
D = Dispute.Status


def admin_of(world):
    return world.members[Role.PARTNER_ADMIN]


def told(world, event: str) -> set[int]:
    return set(
        Notification.objects.filter(tenant=world.tenant, event=event).values_list(
            "recipient_id", flat=True
        )
    )


def test_a_partner_admin_questions_a_line_and_the_vendor_is_told(in_ours):
    world = in_ours
    line = line_row(world.partner, "400")
    dispute = dispute_raise(actor=admin_of(world), line=line, message="  Why 400?  ")
    assert dispute.status == D.OPEN
    assert dispute.partner_id == world.partner.pk
    assert list(dispute.messages.values_list("body", "from_partner")) == [("Why 400?", True)]
    assert AuditEvent.objects.filter(action="commissions.dispute.raised").exists()
    recipients = told(world, "commissions.dispute.raised")
    assert world.members[Role.PARTNER_OPS].user_id in recipients
    assert world.members[Role.CAM].user_id in recipients  # partner A's CAM
    assert admin_of(world).user_id not in recipients


def test_a_second_message_joins_the_open_thread(in_ours):
    world = in_ours
    dispute = dispute_raise(actor=admin_of(world), line=world.line, message="And the tier?")
    assert dispute.pk == world.dispute.pk
    assert Dispute.objects.filter(line=world.line).count() == 1
    assert world.dispute.messages.count() == 2


def test_the_answer_closes_it_and_the_partner_s_next_message_opens_it_again(in_ours):
    world = in_ours
    ops = world.members[Role.PARTNER_OPS]
    reply = dispute_answer(actor=ops, dispute=world.dispute, message="Reseller rate: 10%.")
    assert reply.from_partner is False
    world.dispute.refresh_from_db()
    assert world.dispute.status == D.ANSWERED
    told_admins = told(world, "commissions.dispute.answered")
    assert admin_of(world).user_id in told_admins
    with pytest.raises(TransitionError):
        dispute_answer(actor=ops, dispute=world.dispute, message="Again")
    again = dispute_raise(actor=admin_of(world), line=world.line, message="Still unclear.")
    assert again.pk == world.dispute.pk
    assert again.status == D.OPEN
    assert world.dispute.messages.count() == 3


def test_an_answer_may_post_an_approved_adjustment_named_in_the_thread(in_ours):
    world = in_ours
    ops = world.members[Role.PARTNER_OPS]
    reply = dispute_answer(
        actor=ops,
        dispute=world.dispute,
        message="You were right: the product rate applies.",
        adjustment_amount=Decimal("250.004"),
        adjustment_currency=world.tenant.default_currency,
    )
    adjustment = reply.adjustment
    assert adjustment is not None
    assert adjustment.source == Line.Source.ADJUSTMENT
    assert adjustment.state == Line.State.APPROVED
    assert adjustment.amount == Decimal("250.00")
    assert adjustment.partner_id == world.partner.pk
    assert adjustment.reason.startswith("You were right")
    assert admin_of(world).user_id in told(world, "commissions.adjustment.posted")


def test_a_bad_adjustment_writes_nothing(in_ours):
    world = in_ours
    ops = world.members[Role.PARTNER_OPS]
    before = Line.objects.count()
    for amount, currency in (("0", "EUR"), ("abc", "EUR"), ("10", "XXX")):
        with pytest.raises(ValidationError):
            dispute_answer(
                actor=ops,
                dispute=world.dispute,
                message="Fixed",
                adjustment_amount=amount,
                adjustment_currency=currency,
            )
    assert Line.objects.count() == before
    world.dispute.refresh_from_db()
    assert world.dispute.status == D.OPEN


def test_only_the_line_s_company_admins_may_question_it(in_ours):
    world = in_ours
    with pytest.raises(PermissionDenied):
        dispute_raise(actor=world.members[Role.PARTNER_REP], line=world.line, message="?")
    with pytest.raises(PermissionDenied):
        dispute_raise(actor=world.other_partner_admin, line=world.line, message="?")
    with pytest.raises(ValidationError):
        dispute_raise(actor=admin_of(world), line=world.line, message="   ")


def test_only_partner_operations_who_see_the_partner_answer(in_ours):
    world = in_ours
    for role in (Role.CAM, Role.PARTNER_ADMIN):
        with pytest.raises(PermissionDenied):
            dispute_answer(actor=world.members[role], dispute=world.dispute, message="No")


# Pages


def test_the_portal_form_questions_a_line(in_ours, host_client):
    world = in_ours
    line = line_row(world.partner, "75")
    client = host_client(world.host, admin_of(world))
    url = reverse("commissions:dispute_new", args=[line.pk])
    assert "Question this line" in client.get(url).content.decode()
    empty = client.post(url, {"message": ""})
    assert empty.status_code == 200
    assert not Dispute.objects.filter(line=line).exists()
    data = form_values(client.get(url).content.decode(), containing="message")
    response = client.post(url, {**data, "message": "Which rate?"})
    assert response.status_code == 302
    assert response["Location"] == reverse("commissions:line", args=[line.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Which rate?" in page
    assert "Waiting for an answer" in page


def test_the_admin_answers_on_its_page(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, world.members[Role.PARTNER_OPS])
    listing = client.get(reverse("admin:commissions_dispute_changelist")).content.decode()
    assert world.partner.name in listing
    page = client.get(reverse("admin:commissions_dispute_change", args=[world.dispute.pk]))
    assert "This rate looks wrong." in page.content.decode()
    assert reverse("admin:commissions_dispute_answer", args=[world.dispute.pk]) in (
        page.content.decode()
    )
    url = reverse("admin:commissions_dispute_answer", args=[world.dispute.pk])
    refused = client.post(url, {"message": "", "adjustment_currency": "EUR"})
    assert refused.status_code == 200
    done = client.post(
        url,
        {
            "message": "The product rate applies.",
            "adjustment_amount": "-20",
            "adjustment_currency": world.tenant.default_currency,
        },
    )
    assert done.status_code == 302
    world.dispute.refresh_from_db()
    assert world.dispute.status == D.ANSWERED
    message = DisputeMessage.objects.filter(dispute=world.dispute, from_partner=False).get()
    assert message.adjustment is not None
    assert message.adjustment.amount == Decimal("-20.00")
    # answered: the page sends back to the dispute
    assert client.get(url).status_code == 302


def test_a_cam_reads_their_partners_disputes_but_does_not_answer(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, world.members[Role.CAM])
    listing = client.get(reverse("admin:commissions_dispute_changelist")).content.decode()
    assert reverse("admin:commissions_dispute_change", args=[world.dispute.pk]) in listing
    page = client.get(reverse("admin:commissions_dispute_change", args=[world.dispute.pk]))
    assert page.status_code == 200
    assert 'id="dispute-answer"' not in page.content.decode()
    answer = reverse("admin:commissions_dispute_answer", args=[world.dispute.pk])
    assert client.get(answer).status_code == 403


def test_a_cam_does_not_see_disputes_of_partners_not_assigned_to_them(in_ours, host_client):
    world = in_ours
    theirs = world.other_dispute  # partner B's: not assigned to the world's CAM
    client = host_client(world.host, world.members[Role.CAM])
    listing = client.get(reverse("admin:commissions_dispute_changelist")).content.decode()
    assert reverse("admin:commissions_dispute_change", args=[theirs.pk]) not in listing
    page = client.get(reverse("admin:commissions_dispute_change", args=[theirs.pk]))
    assert page.status_code in (302, 404)


def test_the_staff_home_counts_open_disputes_for_partner_operations(
    in_ours, django_assert_max_num_queries
):
    from commissions.disputes_todo import disputes_todo

    world = in_ours
    with django_assert_max_num_queries(3):
        card = disputes_todo(world.members[Role.PARTNER_OPS])
    assert card.lines[0].count == 2  # partner A's and partner B's
    assert card.lines[0].url.endswith("?status=open")
    assert len(card.rows) == 2
    dispute_answer(actor=world.members[Role.PARTNER_OPS], dispute=world.dispute, message="Done")
    assert disputes_todo(world.members[Role.PARTNER_OPS]).lines[0].count == 1


def test_the_card_shows_on_the_staff_home_of_who_answers(in_ours, host_client):
    world = in_ours
    ops_home = host_client(world.host, world.members[Role.PARTNER_OPS]).get("/admin/")
    assert "Questions about commissions" in ops_home.content.decode()
    cam_home = host_client(world.host, world.members[Role.CAM]).get("/admin/")
    assert "Questions about commissions" not in cam_home.content.decode()
