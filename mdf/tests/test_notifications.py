"""Who is told what of MDF events: the text, the quoted reason or question, the link.

The services of the portal and the review emit these events through `REQUESTS.transition`
with `request_event_data` / `claim_event_data` and their own extras; here each event is
emitted with the data those services send, so every rule is checked on its own.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from mdf import events
from mdf.events import claim_event_data, request_event_data, tenant_today
from mdf.models import Fund
from mdf.tests.factories import fund_row
from prm.notifications.events import emit
from prm.notifications.models import Notification
from prm.notifications.rules import all_rules
from prm.tenancy.roles import Role

CAM, LEADER, ADMIN, REP = Role.CAM, Role.PROGRAM_LEADER, Role.PARTNER_ADMIN, Role.PARTNER_REP


def announce(world, event, subject, data: dict[str, Any], actor_role: str = CAM) -> None:
    emit(
        event.name,
        tenant=world.tenant,
        actor=world.members[actor_role].user,
        subject=subject,
        data=data,
    )


def told(world, event) -> dict[str, Notification]:
    """The notifications of `event`, by the role of who got them (the world's partner A)."""
    roles = {m.user_id: role for role, m in world.members.items()}
    roles[world.other_partner_admin.user_id] = "other admin"
    roles[world.other_partner_rep.user_id] = "other rep"
    found = Notification.objects.filter(tenant=world.tenant, event=event.name)
    return {roles[n.recipient_id]: n for n in found}


def test_every_mdf_rule_links_somewhere_and_files_under_mdf():
    mdf_rules = [r for r in all_rules() if r.event.startswith("mdf.")]
    assert len(mdf_rules) >= 18
    for rule in mdf_rules:
        assert rule.category == "mdf"
        assert rule.link is not None, rule.key


# Requests


def test_a_submitted_request_asks_the_partners_cams(in_ours):
    world = in_ours
    request = world.mdf_request
    announce(
        world, events.REQUEST_SUBMITTED, request, request_event_data(request, due="Fri, 4 Dec"), REP
    )
    notes = told(world, events.REQUEST_SUBMITTED)
    assert set(notes) == {CAM}
    note = notes[CAM]
    assert note.title == (
        f"{world.partner.name} asks for {request_event_data(request)['amount']} from "
        f"{world.fund.name} ({request.reference})"
    )
    assert note.body.startswith(f"{request.title}. Please decide by Fri, 4 Dec.")
    assert note.link == reverse("admin:mdf_mdfrequest_change", args=[request.pk])


def test_a_request_collected_ahead_says_when_review_opens(in_ours):
    world = in_ours
    request = world.mdf_request
    starts = tenant_today(world.tenant) + timedelta(days=20)
    Fund.objects.filter(pk=world.fund.pk).update(
        collect_ahead=True, starts_on=starts, ends_on=starts + timedelta(days=90)
    )
    request.fund.refresh_from_db()
    data = request_event_data(request, due="later")
    assert data["review"].startswith("Requests collected ahead are reviewed together from ")
    announce(world, events.REQUEST_SUBMITTED, request, data, REP)
    assert told(world, events.REQUEST_SUBMITTED)[CAM].body.endswith(data["review"])


def test_review_text_is_empty_for_a_fund_not_collecting_ahead(in_ours):
    assert request_event_data(in_ours.mdf_request)["review"] == ""


def approved_data(request, **extra):
    return request_event_data(request, approved="€3,000.00", reason="Venue is too dear.", **extra)


def test_an_approval_tells_the_owner_and_the_partner_admins_with_the_reason(in_ours):
    world = in_ours
    request = world.funded_request
    announce(world, events.REQUEST_APPROVED, request, approved_data(request))
    notes = told(world, events.REQUEST_APPROVED)
    assert set(notes) == {REP, ADMIN}
    note = notes[REP]
    assert note.title == f"Approved: {request.title} ({request.reference})"
    assert note.body.startswith("€3,000.00 of the ")
    assert f"by {request_event_data(request)['claim_due']}" in note.body
    assert note.message == "Venue is too dear."
    assert note.link == reverse("mdf:request", args=[request.pk])


@pytest.mark.parametrize(
    ("event", "title", "final"),
    [
        (events.REQUEST_REJECTED, "Rejected", "Fix it and submit it again."),
        (events.REQUEST_DECLINED, "Declined", "This decision is final."),
    ],
)
def test_rejected_and_declined_read_differently(in_ours, event, title, final):
    world = in_ours
    request = world.mdf_request
    announce(world, event, request, request_event_data(request, reason="Not our audience."))
    notes = told(world, event)
    assert set(notes) == {REP, ADMIN}
    assert notes[ADMIN].title == f"{title}: {request.title} ({request.reference})"
    assert notes[ADMIN].body.endswith(final)
    assert notes[ADMIN].message == "Not our audience."
    assert notes[ADMIN].link == reverse("mdf:request", args=[request.pk])


def test_a_question_reaches_the_owner_quoted(in_ours):
    world = in_ours
    request = world.mdf_request
    data = request_event_data(request, question="How many attendees do you expect?")
    announce(world, events.REQUEST_INFO_REQUESTED, request, data)
    notes = told(world, events.REQUEST_INFO_REQUESTED)
    assert set(notes) == {REP}
    assert notes[REP].message == "How many attendees do you expect?"
    assert notes[REP].title == f"More information needed: {request.title} ({request.reference})"


def test_an_inactive_owner_is_replaced_by_the_company_admins(in_ours):
    world = in_ours
    rep = world.members[REP]
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    request = world.mdf_request
    data = request_event_data(request, question="Which venue?")
    announce(world, events.REQUEST_INFO_REQUESTED, request, data)
    assert set(told(world, events.REQUEST_INFO_REQUESTED)) == {ADMIN}


def test_a_second_approval_asks_the_program_leaders(in_ours):
    world = in_ours
    request = world.mdf_request
    announce(world, events.REQUEST_SECOND_APPROVAL, request, approved_data(request))
    notes = told(world, events.REQUEST_SECOND_APPROVAL)
    assert set(notes) == {LEADER}
    assert notes[LEADER].title == (
        f"Second approval: {request.title} ({request.reference}) by {world.partner.name}"
    )
    assert notes[LEADER].link == reverse("admin:mdf_mdfrequest_change", args=[request.pk])


def test_overdue_tells_cams_and_escalated_the_leaders(in_ours):
    world = in_ours
    request = world.mdf_request
    data = request_event_data(request, due="Mon, 7 Dec", level=1)
    emit(events.REQUEST_SLA_OVERDUE.name, tenant=world.tenant, subject=request, data=data)
    emit(events.REQUEST_SLA_ESCALATED.name, tenant=world.tenant, subject=request, data=data)
    overdue, escalated = (
        told(world, events.REQUEST_SLA_OVERDUE),
        told(world, events.REQUEST_SLA_ESCALATED),
    )
    assert set(overdue) == {CAM}
    assert set(escalated) == {LEADER}
    assert overdue[CAM].title == f"Overdue: decide {request.title} ({request.reference})"
    assert "was due for a decision by Mon, 7 Dec" in escalated[LEADER].body


# Claims


def test_a_filed_claim_asks_the_cams(in_ours):
    world = in_ours
    claim = world.claim
    announce(world, events.CLAIM_SUBMITTED, claim, claim_event_data(claim), REP)
    notes = told(world, events.CLAIM_SUBMITTED)
    assert set(notes) == {CAM}
    assert (
        notes[CAM].title
        == f"{world.partner.name} filed {claim.reference} for {claim.request.title}"
    )
    assert notes[CAM].link == reverse("admin:mdf_claim_change", args=[claim.pk])


@pytest.mark.parametrize(
    ("event", "extra", "title", "quoted"),
    [
        (events.CLAIM_APPROVED, {"approved": "€900.00", "reason": "Capped at 90%."},
         "Claim approved", "Capped at 90%."),
        (events.CLAIM_REJECTED, {"reason": "The invoice is unreadable."},
         "Claim rejected", "The invoice is unreadable."),
        (events.CLAIM_INFO_REQUESTED, {"question": "Where is the attendee list?"},
         "More information needed", "Where is the attendee list?"),
    ],
)  # fmt: skip
def test_a_claim_decision_tells_its_owner_with_the_reason(in_ours, event, extra, title, quoted):
    world = in_ours
    claim = world.claim
    announce(world, event, claim, claim_event_data(claim, **extra))
    notes = told(world, event)
    assert set(notes) == {REP}
    assert notes[REP].title == f"{title}: {claim.reference} ({claim.request.title})"
    assert notes[REP].message == quoted
    assert notes[REP].link == reverse("mdf:claim", args=[claim.pk])


def test_a_payment_tells_the_owner_and_admins_when_and_with_which_reference(in_ours):
    world = in_ours
    claim = world.due_claim
    data = claim_event_data(claim, approved="€2,000.00", paid_on="Sun, 6 Dec", reference="AP-7781")
    announce(world, events.CLAIM_PAID, claim, data, Role.PARTNER_OPS)
    notes = told(world, events.CLAIM_PAID)
    assert set(notes) == {REP, ADMIN}
    assert notes[ADMIN].body == "€2,000.00 paid on Sun, 6 Dec, reference AP-7781."
    assert notes[ADMIN].link == reverse("mdf:claim", args=[claim.pk])


def test_deadline_reminders_and_extensions_tell_the_owner(in_ours):
    world = in_ours
    request = world.funded_request
    emit(events.CLAIM_DUE_SOON.name, tenant=world.tenant, subject=request,
         data=request_event_data(request, days=3))  # fmt: skip
    emit(events.CLAIM_OVERDUE.name, tenant=world.tenant, subject=request,
         data=request_event_data(request))  # fmt: skip
    announce(world, events.CLAIM_EXTENDED, request,
             request_event_data(request, reason="The event moved a week."))  # fmt: skip
    soon, overdue = told(world, events.CLAIM_DUE_SOON), told(world, events.CLAIM_OVERDUE)
    extended = told(world, events.CLAIM_EXTENDED)
    assert set(soon) == set(overdue) == set(extended) == {REP}
    due = request_event_data(request)["claim_due"]
    assert soon[REP].title == f"Claim due in 3 days: {request.title} ({request.reference})"
    assert f"by {due}" in soon[REP].body
    assert f"due by {due}" in overdue[REP].body
    assert extended[REP].body == f"You may file your claim until {due}."
    assert extended[REP].message == "The event moved a week."
    assert soon[REP].link == reverse("mdf:request", args=[request.pk])


# Funds and allocations


def test_allocation_news_reach_the_partner_admins_and_link_to_funds(in_ours):
    world = in_ours
    allocation = world.allocation
    data = events.allocation_event_data(allocation, reason="Gold tier for Q4")
    announce(world, events.ALLOCATION_CHANGED, allocation, data, Role.PARTNER_OPS)
    emit(events.ALLOCATION_LOW.name, tenant=world.tenant, subject=allocation,
         data=events.allocation_event_data(allocation))  # fmt: skip
    changed, low = told(world, events.ALLOCATION_CHANGED), told(world, events.ALLOCATION_LOW)
    assert set(changed) == set(low) == {ADMIN}
    assert changed[ADMIN].title == f"{world.fund.name}: your allocation is now {data['allocated']}"
    assert changed[ADMIN].message == "Gold tier for Q4"
    assert low[ADMIN].title == f"{world.fund.name}: {data['available']} left to ask for"
    assert low[ADMIN].link == reverse("mdf:funds")


def test_emails_of_a_decision_are_queued_from_the_vendor(
    in_ours, mailoutbox, django_capture_on_commit_callbacks
):
    world = in_ours
    request = world.funded_request
    with django_capture_on_commit_callbacks(execute=True):
        announce(world, events.REQUEST_APPROVED, request, approved_data(request))
    rep = world.members[REP]
    mail = next(m for m in mailoutbox if rep.user.email in m.to)
    assert mail.subject.startswith(f"Approved: {request.title}")
    assert world.tenant.name in mail.from_email
    assert "Venue is too dear." in mail.body


def test_a_window_notice_reaches_only_the_partner_it_concerns(in_ours, theirs):
    world = in_ours
    fund = fund_row(world.tenant, "Only ours")
    allocation = world.allocation
    emit(events.WINDOW_OPENED.name, tenant=world.tenant, subject=fund,
         data=events.allocation_event_data(allocation, closes="Thu, 31 Dec"))  # fmt: skip
    notes = Notification.objects.filter(event=events.WINDOW_OPENED.name)
    their_users = {m.user_id for m in theirs.members.values()}
    assert set(told(world, events.WINDOW_OPENED)) == {ADMIN, REP}
    assert not notes.filter(recipient_id__in=their_users).exists()


def test_the_reviews_approval_in_part_reaches_the_partner_with_its_reason(in_ours):
    from decimal import Decimal

    from django.urls import reverse

    from mdf.services import review

    world = in_ours
    request = world.mdf_request
    review.request_approve(
        actor=world.members[CAM], mdf_request=request, amount=Decimal("3000"),
        reason="The venue is paid by the co-funder.",
    )  # fmt: skip
    notes = told(world, events.REQUEST_APPROVED)
    assert set(notes) == {REP, ADMIN}
    assert "3,000.00 of the " in notes[REP].body
    assert notes[REP].message == "The venue is paid by the co-funder."
    assert notes[REP].link == reverse("mdf:request", args=[request.pk])
