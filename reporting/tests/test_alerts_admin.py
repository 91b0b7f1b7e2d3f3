"""The alert pages: rules made in the admin UI with a sentence beside each wrong field, audited;
the alerts list (a CAM's: only theirs), an alert's page with its history, acknowledge and snooze
behind confirm pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from reporting.alerts.sweep import sweep_tenant
from reporting.models import Alert, AlertRule

from .alert_rows import inactive_rule, watched_partner

pytestmark = pytest.mark.django_db
ADD = "/admin/reporting/alertrule/add/"


def _rule_form(**changes):
    data = {
        "name": "Quiet partners",
        "metric": "deals.active_partners",
        "is_active": "on",
        "scope": "partner",
        "comparison": "below",
        "threshold": "1",
        "window": "trailing",
        "trailing_days": "60",
        "resolve_margin": "0",
        "resolve_after": "1",
        "owner": "cams",
        "channel": "email",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"scope": "tier"}, "tier", "Choose the tier"),
        ({"threshold": ""}, "threshold", "Enter the value to compare with"),
        ({"comparison": "drop", "threshold": "-5"}, "threshold", "percentage above 0"),
        ({"trailing_days": ""}, "trailing_days", "how many days"),
        ({"window": "month", "from_week": "9"}, "from_week", "only 4 weeks"),
        ({"owner": "user"}, "owner_member", "Choose who is told"),
        ({"scope": "program"}, "owner", "no CAM of its own"),
        ({"scope": "program", "owner": "leaders", "comparison": "below_tier"}, "comparison",
         "Only a partner has a tier"),
        ({"metric": "no.such"}, "metric", "Select a valid choice"),
    ],
)  # fmt: skip
def test_a_wrong_rule_says_why_beside_the_field(ours, host_client, changes, field, sentence):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(ADD, _rule_form(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert sentence in " ".join(errors.get(field, [])), errors
    with scope(tenant=ours.tenant):
        assert not AlertRule.objects.filter(name="Quiet partners").exists()


def test_a_rule_is_made_audited_and_previewed(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.post(ADD, _rule_form())
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        rule = AlertRule.objects.get(name="Quiet partners")
        assert AuditEvent.objects.filter(
            action="reporting.alertrule.created", object_id=str(rule.pk)
        ).exists()
    page = client.get(f"/admin/reporting/alertrule/{rule.pk}/change/")
    assert page.status_code == 200
    assert "Would fire now for" in page.content.decode()


def test_a_cam_cannot_manage_rules(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/reporting/alertrule/").status_code == 403
    assert client.post(ADD, _rule_form()).status_code == 403


def test_a_cams_list_shows_only_their_alerts(ours, host_client):
    with scope(tenant=ours.tenant):
        mine = watched_partner(ours, "Mine")
        theirs = watched_partner(ours, "Not mine", cam=False)
        inactive_rule(mine)
        inactive_rule(theirs, owner=AlertRule.Owner.LEADERS)
        sweep_tenant(ours.tenant)
    cam_page = host_client(ours.host, ours.members[Role.CAM]).get("/admin/reporting/alert/")
    body = cam_page.content.decode()
    assert "Mine" in body
    assert "Not mine" not in body
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert "Not mine" in leader.get("/admin/reporting/alert/").content.decode()
    with scope(tenant=ours.tenant):
        other = Alert.objects.get(partner=theirs)
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(f"/admin/reporting/alert/{other.pk}/change/").status_code == 404
    assert cam.get(f"/admin/reporting/alerts/{other.pk}/acknowledge/").status_code == 404


def test_the_cam_acknowledges_and_snoozes_on_confirm_pages(ours, host_client):
    with scope(tenant=ours.tenant):
        partner = watched_partner(ours)
        inactive_rule(partner)
        [pk] = list(sweep_tenant(ours.tenant).fired)
    client = host_client(ours.host, ours.members[Role.CAM])
    page = client.get(f"/admin/reporting/alert/{pk}/change/").content.decode()
    assert 'id="alert-history"' in page
    assert 'id="alert-acknowledge"' in page
    confirm = client.get(f"/admin/reporting/alerts/{pk}/snooze/")
    assert confirm.status_code == 200
    bad = client.post(f"/admin/reporting/alerts/{pk}/snooze/", {"until": "2000-01-01"})
    assert "Choose a day after today" in bad.content.decode()
    until = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert client.post(f"/admin/reporting/alerts/{pk}/snooze/", {"until": until}).status_code == 302
    done = client.post(f"/admin/reporting/alerts/{pk}/acknowledge/", {"note": "On it"})
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        alert = Alert.objects.get(pk=pk)
        assert alert.state == Alert.State.ACKNOWLEDGED
        assert [h.kind for h in alert.history.all()] == ["fired", "snoozed", "acknowledged"]
    page = client.get(f"/admin/reporting/alert/{pk}/change/").content.decode()
    assert "On it" in page
    assert 'id="alert-acknowledge"' not in page


def test_empty_lists_say_what_to_do(theirs, host_client):
    with scope(tenant=theirs.tenant):
        Alert.objects.filter(tenant=theirs.tenant).delete()
        AlertRule.objects.filter(tenant=theirs.tenant).delete()
    ops = host_client(theirs.host, theirs.members[Role.PARTNER_OPS])
    assert "Add a rule" in ops.get("/admin/reporting/alertrule/").content.decode()
    assert 'id="empty-list"' in ops.get("/admin/reporting/alert/").content.decode()
    cam = host_client(theirs.host, theirs.members[Role.CAM])
    assert "No alert for you" in cam.get("/admin/reporting/alert/").content.decode()


def test_the_todo_card_counts_open_alerts_for_you(ours):
    from reporting.todo import open_alerts_todo

    with scope(tenant=ours.tenant):
        card = open_alerts_todo(ours.members[Role.CAM])
    assert card.lines[0].count == 1  # the world's alert about partner A
