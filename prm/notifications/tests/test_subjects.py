"""Email subjects are plain text on one line: no HTML entities, no header injection."""

import pytest
from django_scopes import scope

from prm.notifications.models import EmailOutbox, Notification
from prm.notifications.outbox import email_enqueue, notification_email_enqueue
from prm.notifications.subjects import one_line, render_subject
from prm.tenancy.roles import Role

TITLE = "Margie's <Travel> & Tours"


def test_one_line_turns_line_breaks_and_control_characters_into_single_spaces():
    assert one_line(" A\r\nBcc: x@example.test\u2028B\x00C\x85D\tE  ") == (
        "A Bcc: x@example.test B C D E"
    )


def test_a_subject_template_is_rendered_without_html_escaping():
    subject = render_subject(
        "notifications/email/notification_subject.txt",
        {"notification": Notification(title=f"{TITLE}\nregistered a deal")},
    )
    assert subject == f"{TITLE} registered a deal"


@pytest.mark.django_db
def test_the_tenants_name_in_a_subject_is_not_html_escaped(ours, mailoutbox):
    ours.tenant.portal_title = TITLE
    with scope(tenant=ours.tenant):
        row = email_enqueue(
            tenant=ours.tenant,
            to_email="someone@example.test",
            template="notifications/email/digest",
            context={"items": [], "day": ours.tenant.created_at.date()},
        )
    assert row.subject == f"{TITLE}: 0 updates"
    # the HTML part escapes it once, as HTML
    assert "<title>Margie&#x27;s &lt;Travel&gt; &amp; Tours: 0 updates</title>" in row.body_html


@pytest.mark.django_db
def test_a_partners_name_in_a_notification_subject_is_not_html_escaped(ours, mailoutbox):
    user = ours.members[Role.PARTNER_ADMIN].user
    with scope(tenant=ours.tenant):
        notification = Notification.objects.create(
            tenant=ours.tenant,
            recipient=user,
            event="deals.deal.submitted",
            category="deals",
            title=f"{TITLE} registered a deal",
        )
        notification_email_enqueue(notification=notification, user=user, held=False)
        row = EmailOutbox.objects.get(recipient=user)
    assert row.subject == f"{TITLE} registered a deal"


@pytest.mark.django_db
def test_a_line_break_in_the_portal_title_cannot_add_a_mail_header(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    ours.tenant.portal_title = f"{TITLE}\r\nBcc: attacker@example.test"
    # written around the form's validator, as a bad row could be
    ours.tenant.email_sender_name = f"{TITLE}\r\nBcc: attacker@example.test"
    ours.tenant.save()
    member = ours.members[Role.PARTNER_REP].user
    host_client(ours.host).post("/accounts/password/reset/", {"email": member.email})
    with scope(tenant=ours.tenant), django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            tenant=ours.tenant,
            to_email=member.email,
            template="notifications/email/digest",
            context={"items": [], "day": ours.tenant.created_at.date()},
        )
    assert len(mailoutbox) == 2
    reset, digest = mailoutbox
    assert reset.subject == f"[{TITLE} Bcc: attacker@example.test] Password reset email"
    assert digest.subject == f"{TITLE} Bcc: attacker@example.test: 0 updates"
    for message in mailoutbox:
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert "\nBcc:" not in headers
        assert message.bcc == []
        assert "Margie's <Travel> & Tours Bcc: attacker@example.test" in message.from_email
