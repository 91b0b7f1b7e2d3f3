"""A decision's email comes from the vendor and carries the CAM's own words."""

import pytest
from django_scopes import scope

from deals import services
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

from .factories import RejectReasonFactory, registered


def _name(membership) -> str:  # type: ignore[no-untyped-def]
    return membership.user.get_full_name() or membership.user.email


@pytest.mark.django_db
def test_an_approval_email_quotes_the_cams_note_and_comes_from_the_vendor(
    ours, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_NAME = "PRM"
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        ours.tenant.support_email = "partners@ours.test"
        ours.tenant.save()
        deal = registered(rep, customer_name="Margie's Travel")
        with django_capture_on_commit_callbacks(execute=True):
            services.deal_approve(actor=cam, deal=deal, note="Great fit <b>for</b> Q3.")
    mail = next(m for m in mailoutbox if rep.user.email in m.to and "Approved" in m.subject)
    assert mail.subject.startswith("Approved: Margie's Travel")  # not Margie&#x27;s
    assert mail.from_email == f"{ours.tenant.name} via PRM <{settings.DEFAULT_FROM_EMAIL}>"
    assert mail.reply_to == ["partners@ours.test"]
    assert f"{_name(cam)} wrote:" in mail.body
    assert "Great fit <b>for</b> Q3." in mail.body  # the text part is plain text
    html = mail.alternatives[0][0]
    assert "<blockquote" in html
    assert "Great fit &lt;b&gt;for&lt;/b&gt; Q3." in html  # the HTML part escapes it


@pytest.mark.django_db
def test_an_approval_without_a_note_quotes_nobody(ours):
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        deal = registered(rep)
        services.deal_approve(actor=cam, deal=deal)
        note = Notification.objects.get(recipient=rep.user, event="deals.deal.approved")
    assert (note.message, note.message_by) == ("", "")


@pytest.mark.django_db
def test_a_rejection_names_the_reason_and_quotes_the_note_in_the_portal(ours, host_client):
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        deal = registered(rep)
        reason = RejectReasonFactory(tenant=ours.tenant, label="Duplicate registration")
        services.deal_reject(actor=cam, deal=deal, reason=reason, note="Talk to me first.")
    page = host_client(ours.host, rep).get("/notifications/").content.decode()
    assert "Reason: Duplicate registration" in page
    assert f"{_name(cam)} wrote:" in page
    assert "Talk to me first." in page
