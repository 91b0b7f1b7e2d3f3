"""Tenants switch rules off and rewrite their texts; texts are checked and always escaped."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django_scopes import scope

from prm.notifications import rules, services
from prm.notifications.models import Notification, RuleSetting
from prm.notifications.tests.test_events import accept_invitation
from prm.tenancy.roles import Role

RULE = "accounts.invitation.accepted.tell_inviter"


def setting(world) -> RuleSetting:
    with scope(tenant=world.tenant):
        return RuleSetting.objects.get(tenant=world.tenant, rule=RULE)


@pytest.mark.django_db
def test_a_rule_switched_off_tells_nobody(ours, theirs):
    with scope(tenant=ours.tenant):
        services.rule_setting_update(
            actor=None, setting=setting(ours), enabled=False, title="", body=""
        )
    accept_invitation(ours)
    accept_invitation(theirs)
    with scope(tenant=ours.tenant):
        assert not Notification.objects.filter(rule=RULE).exists()
    with scope(tenant=theirs.tenant):  # the other tenant keeps its default
        assert Notification.objects.filter(rule=RULE).exists()


@pytest.mark.django_db
def test_an_edited_text_is_used_with_its_placeholders(ours):
    with scope(tenant=ours.tenant):
        services.rule_setting_update(
            actor=None,
            setting=setting(ours),
            enabled=True,
            title="Welcome {invitee}!",
            body="{role}",
        )
    accept_invitation(ours)
    with scope(tenant=ours.tenant):
        n = Notification.objects.get(rule=RULE)
    assert n.title == "Welcome Jo Joiner!"
    assert n.body == f"Partner rep at {ours.partner.name}"


@pytest.mark.parametrize(
    "text", ["{nope}", "{invitee.__class__}", "{invitee[0]}", "unbalanced {", "{}"]
)
def test_unknown_or_clever_placeholders_are_refused(text):
    with pytest.raises(ValidationError):
        rules.validate_text(text, rules.rule(RULE).placeholders)


@pytest.mark.django_db
def test_the_admin_form_shows_placeholder_errors_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    client.get("/admin/notifications/rulesetting/")
    url = f"/admin/notifications/rulesetting/{setting(ours).pk}/change/"
    response = client.post(url, {"enabled": "on", "title": "Hi {secret}", "body": ""})
    assert response.status_code == 200
    assert "Unknown placeholder(s): {secret}" in response.content.decode()
    assert setting(ours).title == ""


@pytest.mark.django_db
def test_a_script_in_a_tenant_text_shows_as_text_in_portal_and_email(
    ours, host_client, mailoutbox, django_capture_on_commit_callbacks
):
    evil = "<script>alert('x')</script> {invitee}"
    with scope(tenant=ours.tenant):
        services.rule_setting_update(
            actor=None, setting=setting(ours), enabled=True, title=evil, body=evil
        )
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(ours)
    page = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/notifications/")
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Jo Joiner" in html
    mail = next(m for m in mailoutbox if ours.members[Role.PARTNER_ADMIN].user.email in m.to)
    email_html = mail.alternatives[0][0]
    assert "<script>alert" not in email_html
    assert "&lt;script&gt;" in email_html


@pytest.mark.django_db
def test_the_rules_page_lists_every_rule_and_audits_changes(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get("/admin/notifications/rulesetting/").content.decode()
    for rule in rules.all_rules():
        assert escape(str(rule.description)) in page
    url = f"/admin/notifications/rulesetting/{setting(ours).pk}/change/"
    assert client.post(url, {"title": "", "body": ""}).status_code == 302  # enabled unticked
    assert setting(ours).enabled is False
    history = client.get(url).content.decode()
    assert "changed the notification rule" in history
