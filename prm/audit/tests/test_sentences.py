"""Audit events read as sentences: who did what to which, the values as a person reads them."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.utils.html import escape
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.audit.sentences import action_label, describe, phrase_for
from prm.audit.services import audit_record
from prm.dates import format_moment
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_registered_action_names_who_did_what_to_which_with_readable_values(ours):
    cam = ours.members[Role.CAM].user
    until = datetime(2027, 3, 6, 10, 30, tzinfo=UTC)
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=cam,
            action="deals.deal.approved",
            obj=ours.deal,
            before={"status": "submitted"},
            after={"status": "approved", "expires_at": until.isoformat()},
            reason="Good luck with it.",
        )
        said = describe(AuditEvent.objects.select_related("actor").get(pk=event.pk))
    name = cam.get_full_name() or cam.email
    assert said.text == f"{name} approved {ours.deal}: protected until {format_moment(until)}"
    # The status is not in the sentence: it is listed with its labels, not its codes.
    assert [(c.label, c.before, c.after) for c in said.changes] == [
        ("Status", "Submitted", "Approved")
    ]
    assert said.reason == "Good luck with it."
    assert action_label("deals.deal.approved") == "Registration approved"


def test_the_system_acts_in_its_own_words(ours):
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=None,
            action="deals.deal.expired",
            obj=ours.approved_deal,
            before={"status": "approved"},
            after={"status": "expired"},
        )
        said = describe(event)
    assert said.text == f"The protection of {ours.approved_deal} ended"
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant, actor=None, action="accounts.invitation.revoked", obj=ours.partner
        )
        assert describe(event).text == f"The system revoked the invitation of {ours.partner}"


def test_an_action_nobody_registered_still_reads_as_words_not_a_code(ours):
    leader = ours.members[Role.PROGRAM_LEADER].user
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=leader,
            action="mdf.claim.paid_out",
            obj=ours.partner,
            after={"amount": "1200.50", "currency": "EUR", "paid_on": "2026-12-01"},
        )
        said = describe(event)
    assert "mdf.claim.paid_out" not in said.text
    assert "claim: paid out" in said.text
    assert ours.partner.name in said.text
    shown = {c.label: c.after for c in said.changes}
    assert shown["Amount"] == "€1,200.50"  # with its currency, through the house formatter
    assert "Currency" not in shown  # said with the amount
    assert shown["Paid on"] == "Dec 1, 2026"


def test_an_mdf_claims_spend_and_a_requests_pipeline_read_as_money(ours):
    leader = ours.members[Role.PROGRAM_LEADER].user
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=leader,
            action="mdf.claim.changed",
            obj=ours.partner,
            before={"actual_spend": "9800.00", "currency": "USD"},
            after={"actual_spend": "10400.00", "expected_pipeline": "250000", "currency": "USD"},
        )
        said = describe(event)
    changes = {c.label: (c.before, c.after) for c in said.changes}
    assert changes["Actual spend"] == ("$9,800.00", "$10,400.00")
    assert changes["Expected pipeline"][1] == "$250,000.00"


def test_the_admins_generic_actions_name_the_model(ours):
    leader = ours.members[Role.PROGRAM_LEADER].user
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=leader,
            action="deals.product.changed",
            obj=ours.product,
            after={"change": "Changed name."},
        )
        said = describe(event)
    assert said.text.endswith(f"changed {ours.product}")
    assert action_label("deals.product.changed") == "Product changed"
    assert [(c.label, c.after) for c in said.changes] == [("Change", "Changed name.")]


def test_a_sentence_missing_a_recorded_value_falls_back_rather_than_failing(ours):
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant, actor=None, action="deals.deal.approved", obj=ours.deal
        )
        said = describe(event)
    assert said.text == f"The system: registration approved — {ours.deal}"


def test_empty_values_that_stay_empty_are_not_listed(ours):
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=None,
            action="deals.deal.submitted",
            obj=ours.deal,
            before={"status": "draft"},
            after={"status": "submitted", "conflict_with": None},
        )
        assert [c.label for c in describe(event).changes] == ["Status"]


def test_the_history_page_and_the_audit_log_show_sentences_not_codes(ours, host_client):
    leader = ours.members[Role.PROGRAM_LEADER]
    with scope(tenant=ours.tenant):
        audit_record(
            tenant=ours.tenant,
            actor=leader.user,
            action="partners.partner.status_changed",
            obj=ours.partner,
            before={"status": "onboarding"},
            after={"status": "active"},
            reason="Signed and trained",
        )
    client = host_client(ours.host, leader)
    name = leader.user.get_full_name() or leader.user.email
    sentence = f"{name} moved {ours.partner.name} from Onboarding to Active"
    for url in (
        f"/admin/partners/partner/{ours.partner.pk}/history/",
        f"/admin/partners/partner/{ours.partner.pk}/change/",
        "/admin/audit/auditevent/",
    ):
        html = client.get(url).content.decode()
        assert escape(sentence) in html, url
        assert "Signed and trained" in html
        assert ">partners.partner.status_changed<" not in html, url  # no code shown as text
    log = client.get("/admin/audit/auditevent/").content.decode()
    assert "<h1>Audit log</h1>" in log
    # The filter offers what happened by name.
    assert "Partner status changed" in log


def test_every_action_the_demo_records_has_a_phrase(db):
    """Seeding the demo runs every service the product has; each audit action it writes must
    read as a sentence of its own (or as one of the admin's generic actions)."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    actions: set[str] = set()
    for tenant in Tenant.objects.filter(slug__in=["acme", "globex"]):
        with scope(tenant=tenant):
            actions |= set(AuditEvent.objects.values_list("action", flat=True))
    assert {"deals.deal.approved", "partners.onboarding.step_completed"} <= actions
    missing = sorted(a for a in actions if phrase_for(a) is None)
    assert missing == []


def test_an_onboarding_step_its_event_ticked_reads_apart_from_a_tick_by_hand(ours):
    admin = ours.members[Role.PARTNER_ADMIN].user
    cam = ours.members[Role.CAM].user
    with scope(tenant=ours.tenant):
        by_event = audit_record(
            tenant=ours.tenant, actor=admin, action="partners.onboarding.step_completed",
            obj=ours.partner, after={"step": "Accept", "event": "partners.agreement.accepted",
                                     "completed_at": "2026-12-01T10:00:00+00:00"},
        )  # fmt: skip
        by_hand = audit_record(
            tenant=ours.tenant, actor=cam, action="partners.onboarding.step_completed",
            obj=ours.partner, after={"step": "Kick-off", "event": ""}, reason="Held on site",
        )  # fmt: skip
        event_said, hand_said = describe(by_event), describe(by_hand)
    assert event_said.text == f"{ours.partner} completed the onboarding step “Accept”"
    assert event_said.changes == []  # neither the event's code nor a second time
    name = cam.get_full_name() or cam.email
    assert hand_said.text == f"{name} ticked the onboarding step “Kick-off” of {ours.partner}"
    assert hand_said.reason == "Held on site"
