"""Business plans in the admin UI: a CAM lists and edits the plans of assigned partners only,
every change goes through the plan's services (audited, the partner's admins told)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from partners.models import BusinessPlan, PlanGoal, PlanMilestone
from partners.tests.factories import PlanMilestoneFactory
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from tests.html_forms import form_values

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def rows(prefix: str, plan: BusinessPlan, forms: list[dict[str, Any]], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(forms)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(forms):
        data[f"{prefix}-{i}-plan"] = str(plan.pk)
        data.update({f"{prefix}-{i}-{k}": v for k, v in form.items()})
    return data


def change_data(
    world, *, summary: str, goals: list[dict], milestones: list[dict], initial=(1, 1)
) -> dict:
    return {
        "summary": summary,
        **rows("goals", world.plan, goals, initial[0]),
        **rows("milestones", world.plan, milestones, initial[1]),
    }


def existing_goal(world, **changes) -> dict:
    goal = world.plan_goal
    return {"id": goal.pk, "metric": goal.metric, "target": str(goal.target), "note": "", **changes}


def existing_milestone(world, **changes) -> dict:
    m = world.plan_milestone
    return {
        "id": m.pk,
        "title": m.title,
        "owner": m.owner_id,
        "due_on": m.due_on.isoformat(),
        "done_on": "",
        "note": "",
        **changes,
    }


def test_an_assigned_cam_lists_opens_and_sees_progress_of_their_partners_plans_only(
    ours, host_client
):
    cam = host_client(ours.host, ours.members[Role.CAM])
    with scope(tenant=ours.tenant):
        other_plan = BusinessPlan.objects.get(partner=ours.other_partner)
        PlanMilestone.objects.create(
            tenant=ours.tenant,
            plan=ours.plan,
            title="Late",
            owner=ours.members[Role.CAM],
            due_on=timezone.localdate() - timedelta(days=1),
        )
    page = cam.get("/admin/partners/businessplan/").content.decode()
    assert f"/businessplan/{ours.plan.pk}/change/" in page
    assert f"/businessplan/{other_plan.pk}/change/" not in page
    assert ours.other_partner.name not in page  # not even in the partner filter
    assert "Active users: <strong>2</strong> / 5" in page
    assert '<td class="field-open_milestones">2</td>' in page
    assert '<td class="field-overdue_milestones"><strong' in page
    assert cam.get(f"/admin/partners/businessplan/{ours.plan.pk}/change/").status_code == 200
    assert cam.get(f"/admin/partners/businessplan/{other_plan.pk}/change/").status_code == 404
    assert cam.get(f"/admin/partners/businessplan/{other_plan.pk}/history/").status_code == 404
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert ours.other_partner.name in leader.get("/admin/partners/businessplan/").content.decode()
    filtered = leader.get(f"/admin/partners/businessplan/?partner={ours.partner.pk}&year={YEAR}")
    assert f"/businessplan/{ours.plan.pk}/change/" in filtered.content.decode()
    assert f"/businessplan/{other_plan.pk}/change/" not in filtered.content.decode()


def test_a_cam_creates_a_plan_for_an_assigned_partner_only(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    form = cam.get("/admin/partners/businessplan/add/").content.decode()
    assert f'<option value="{ours.partner.pk}"' in form
    assert f'<option value="{ours.other_partner.pk}"' not in form
    refused = cam.post(
        "/admin/partners/businessplan/add/",
        {"partner": ours.other_partner.pk, "year": YEAR + 1, "summary": ""},
    )
    assert refused.status_code == 200
    duplicate = cam.post(
        "/admin/partners/businessplan/add/", {"partner": ours.partner.pk, "year": YEAR}
    )
    assert "has a plan for" in duplicate.content.decode()
    created = cam.post(
        "/admin/partners/businessplan/add/",
        {"partner": ours.partner.pk, "year": YEAR + 1, "summary": "Next year"},
    )
    assert created.status_code == 302
    with scope(tenant=ours.tenant):
        plan = BusinessPlan.objects.get(partner=ours.partner, year=YEAR + 1)
        assert created["Location"] == f"/admin/partners/businessplan/{plan.pk}/change/"
        assert not BusinessPlan.objects.filter(partner=ours.other_partner, year=YEAR + 1).exists()
        event = AuditEvent.objects.get(action="partners.plan.created")
        assert event.after["by"] == f"Channel account manager, {ours.tenant.name}"
        # Django's own history entry is replaced by the service's.
        assert not AuditEvent.objects.filter(action="partners.businessplan.created").exists()


def test_a_cam_edits_goals_and_milestones_in_one_save_audited_and_told_once(ours, host_client):
    cam = ours.members[Role.CAM]
    client = host_client(ours.host, cam)
    url = f"/admin/partners/businessplan/{ours.plan.pk}/change/"
    today = timezone.localdate()
    data = change_data(
        ours,
        summary="Healthcare first",
        goals=[
            existing_goal(ours, target="7"),
            {"metric": "partners.months_in_program", "target": "24", "note": "Renewal"},
        ],
        milestones=[
            existing_milestone(ours, done_on=today.isoformat()),
            {
                "title": "Webinar",
                "owner": cam.pk,
                "due_on": (today + timedelta(days=20)).isoformat(),
                "done_on": "",
                "note": "",
            },
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(tenant=ours.tenant):
        plan = BusinessPlan.objects.get(pk=ours.plan.pk)
        assert plan.summary == "Healthcare first"
        assert {g.metric: g.target for g in plan.goals.all()} == {
            "partners.active_users": Decimal(7),
            "partners.months_in_program": Decimal(24),
        }
        assert PlanMilestone.objects.get(pk=ours.plan_milestone.pk).done_on == today
        assert plan.milestones.filter(title="Webinar", owner=cam).exists()
        actions = sorted(
            AuditEvent.objects.filter(action__startswith="partners.plan.").values_list(
                "action", flat=True
            )
        )
        told = Notification.objects.filter(event="partners.plan.changed")
        assert [n.recipient for n in told] == [ours.members[Role.PARTNER_ADMIN].user]
        assert "marked" in told[0].body
        assert "added the milestone “Webinar”" in told[0].body
    assert actions == [
        "partners.plan.goal_added",
        "partners.plan.goal_changed",
        "partners.plan.milestone_added",
        "partners.plan.milestone_done",
        "partners.plan.summary_changed",
    ]
    history = client.get(url).content.decode()
    assert "changed the goal" in history  # the history reads as sentences, not codes
    assert "partners.plan.goal_changed" not in history
    assert f"Channel account manager, {ours.tenant.name}" in history


def test_removing_and_reopening_in_the_admin_is_audited(ours, host_client):
    with scope(tenant=ours.tenant):
        PlanMilestone.objects.filter(pk=ours.plan_milestone.pk).update(done_on=timezone.localdate())
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    data = change_data(
        ours,
        summary=ours.plan.summary,
        goals=[existing_goal(ours, DELETE="on")],
        milestones=[existing_milestone(ours)],  # done date cleared: open again
    )
    assert (
        client.post(f"/admin/partners/businessplan/{ours.plan.pk}/change/", data).status_code == 302
    )
    with scope(tenant=ours.tenant):
        assert not PlanGoal.objects.filter(pk=ours.plan_goal.pk).exists()
        assert PlanMilestone.objects.get(pk=ours.plan_milestone.pk).done_on is None
        actions = set(
            AuditEvent.objects.filter(action__startswith="partners.plan.").values_list(
                "action", flat=True
            )
        )
    assert actions == {"partners.plan.goal_removed", "partners.plan.milestone_reopened"}


def test_inline_owner_choices_exclude_other_partners_users_and_refuse_them(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/partners/businessplan/{ours.plan.pk}/change/"
    page = client.get(url).content.decode()
    assert f'<option value="{ours.members[Role.PARTNER_ADMIN].pk}"' in page
    assert f'<option value="{ours.other_partner_rep.pk}"' not in page
    data = change_data(
        ours,
        summary=ours.plan.summary,
        goals=[existing_goal(ours)],
        milestones=[existing_milestone(ours, owner=ours.other_partner_rep.pk)],
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    future = change_data(
        ours,
        summary=ours.plan.summary,
        goals=[existing_goal(ours)],
        milestones=[
            existing_milestone(ours, done_on=(timezone.localdate() + timedelta(days=2)).isoformat())
        ],
    )
    assert "cannot be done in the future" in client.post(url, future).content.decode()
    with scope(tenant=ours.tenant):
        milestone = PlanMilestone.objects.get(pk=ours.plan_milestone.pk)
        assert milestone.owner == ours.members[Role.PARTNER_REP]
        assert milestone.done_on is None
        assert not AuditEvent.objects.filter(action__startswith="partners.plan.").exists()


def test_a_duplicate_goal_metric_is_refused_beside_the_inline(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    data = change_data(
        ours,
        summary=ours.plan.summary,
        goals=[existing_goal(ours), {"metric": "partners.active_users", "target": "9", "note": ""}],
        milestones=[existing_milestone(ours)],
    )
    response = client.post(f"/admin/partners/businessplan/{ours.plan.pk}/change/", data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert ours.plan.goals.count() == 1


def test_the_change_page_costs_the_same_queries_with_many_milestones(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/partners/businessplan/{ours.plan.pk}/change/"

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    with scope(tenant=ours.tenant):
        for _ in range(15):
            PlanMilestoneFactory(plan=ours.plan, owner=ours.members[Role.PARTNER_ADMIN])
    assert count() == few


def test_a_plan_is_saved_with_the_blank_rows_left_as_the_browser_sends_them(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/partners/businessplan/{ours.plan.pk}/change/"
    data = form_values(client.get(url).content.decode(), containing="summary")
    data["summary"] = ["A sharper strategy"]
    assert client.post(url, data).status_code == 302
    with scope(tenant=ours.tenant):
        assert PlanGoal.objects.filter(plan=ours.plan).count() == 1
        assert BusinessPlan.objects.get(pk=ours.plan.pk).summary == "A sharper strategy"
