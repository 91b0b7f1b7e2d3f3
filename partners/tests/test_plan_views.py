"""The business plan in the portal: partner admins edit it, reps read it and tick off their own
milestones, other companies' goals and milestones answer 404, "My program" shows this year's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import BusinessPlan, PlanGoal, PlanMilestone
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def test_a_partner_admin_creates_next_years_plan_and_fills_it(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    empty = admin.get(f"/program/plan/{YEAR + 1}/").content.decode()
    assert "No business plan for" in empty
    assert f"/program/plan/{YEAR + 1}/create/" in empty
    response = admin.post(f"/program/plan/{YEAR + 1}/create/", {"summary": "Enter healthcare"})
    assert response.status_code == 302
    assert response["Location"] == f"/program/plan/{YEAR + 1}/"
    response = admin.post(
        f"/program/plan/{YEAR + 1}/goals/add/",
        {"metric": "partners.active_users", "target": "8", "note": "Whole sales team"},
    )
    assert response.status_code == 302
    due = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = admin.post(
        f"/program/plan/{YEAR + 1}/milestones/add/",
        {"title": "Hire a presales engineer", "owner": ours.members[Role.CAM].pk, "due_on": due},
    )
    assert response.status_code == 302
    page = admin.get(f"/program/plan/{YEAR + 1}/").content.decode()
    assert "Enter healthcare" in page
    assert "Active users" in page
    assert "Hire a presales engineer" in page
    assert "The milestone is added." in page
    with scope(tenant=ours.tenant):
        plan = BusinessPlan.objects.get(partner=ours.partner, year=YEAR + 1)
        assert plan.goals.get().target == Decimal(8)
        assert plan.milestones.get().owner == ours.members[Role.CAM]
        assert AuditEvent.objects.filter(action="partners.plan.milestone_added").exists()
        cam_told = Notification.objects.filter(
            event="partners.plan.changed", recipient=ours.members[Role.CAM].user
        )
        assert cam_told.count() == 3  # created, goal added, milestone added


def test_bad_input_is_shown_beside_the_field_and_changes_nothing(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    duplicate = admin.post(
        f"/program/plan/{YEAR}/goals/add/", {"metric": "partners.active_users", "target": "3"}
    )
    assert duplicate.status_code == 200
    html = duplicate.content.decode()
    assert 'id="id_metric_error"' in html
    assert "change its target instead" in html
    zero = admin.post(
        f"/program/plan/{YEAR}/goals/add/", {"metric": "partners.months_in_program", "target": "0"}
    )
    assert 'id="id_target_error"' in zero.content.decode()
    # Another company's user is not even offered as an owner, and is refused when posted.
    form = admin.get(f"/program/plan/{YEAR}/milestones/add/").content.decode()
    assert f'value="{ours.other_partner_rep.pk}"' not in form
    assert f'value="{ours.members[Role.CAM].pk}"' in form
    refused = admin.post(
        f"/program/plan/{YEAR}/milestones/add/",
        {
            "title": "Steal",
            "owner": ours.other_partner_rep.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert 'id="id_owner_error"' in refused.content.decode()
    with scope(tenant=ours.tenant):
        assert ours.plan.goals.count() == 1
        assert ours.plan.milestones.count() == 1
        assert not AuditEvent.objects.filter(action__startswith="partners.plan.").exists()


def test_a_partner_admin_changes_and_removes_goals_and_milestones(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    goal, milestone = ours.plan_goal, ours.plan_milestone
    assert admin.get(f"/program/plan/goals/{goal.pk}/").status_code == 200
    admin.post(
        f"/program/plan/goals/{goal.pk}/",
        {"metric": goal.metric, "target": "12.5", "note": "Stretch"},
    )
    admin.post(
        f"/program/plan/milestones/{milestone.pk}/",
        {
            "title": "Renamed",
            "owner": ours.members[Role.PARTNER_ADMIN].pk,
            "due_on": milestone.due_on.isoformat(),
            "note": "",
        },
    )
    admin.post(f"/program/plan/{YEAR}/strategy/", {"summary": "Retail first"})
    with scope(tenant=ours.tenant):
        assert PlanGoal.objects.get(pk=goal.pk).target == Decimal("12.5")
        changed = PlanMilestone.objects.get(pk=milestone.pk)
        assert (changed.title, changed.owner) == ("Renamed", ours.members[Role.PARTNER_ADMIN])
        assert BusinessPlan.objects.get(pk=ours.plan.pk).summary == "Retail first"
    assert admin.post(f"/program/plan/goals/{goal.pk}/delete/").status_code == 302
    assert admin.post(f"/program/plan/milestones/{milestone.pk}/delete/").status_code == 302
    with scope(tenant=ours.tenant):
        assert not PlanGoal.objects.filter(pk=goal.pk).exists()
        assert not PlanMilestone.objects.filter(pk=milestone.pk).exists()
        actions = set(
            AuditEvent.objects.filter(action__startswith="partners.plan.").values_list(
                "action", flat=True
            )
        )
    assert actions == {
        "partners.plan.goal_changed",
        "partners.plan.milestone_changed",
        "partners.plan.summary_changed",
        "partners.plan.goal_removed",
        "partners.plan.milestone_removed",
    }


def test_a_rep_reads_the_plan_and_ticks_off_only_their_own_milestones(ours, host_client):
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    page = rep.get(f"/program/plan/{YEAR}/").content.decode()
    assert ours.plan_milestone.title in page
    assert "Add a goal" not in page
    assert "Add a milestone" not in page
    assert f"/program/plan/goals/{ours.plan_goal.pk}/" not in page
    assert "Mark done" in page  # the world's milestone is the rep's
    assert rep.get(f"/program/plan/{YEAR}/goals/add/").status_code == 403
    assert rep.post(f"/program/plan/goals/{ours.plan_goal.pk}/delete/").status_code == 403
    response = rep.post(f"/program/plan/milestones/{ours.plan_milestone.pk}/done/")
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        milestone = PlanMilestone.objects.get(pk=ours.plan_milestone.pk)
        assert milestone.done_on == timezone.localdate()
        milestone.owner = ours.members[Role.PARTNER_ADMIN]
        milestone.done_on = None
        milestone.save()
    assert "Mark done" not in rep.get(f"/program/plan/{YEAR}/").content.decode()
    assert rep.post(f"/program/plan/milestones/{milestone.pk}/done/").status_code == 403


def test_another_companys_goals_and_milestones_answer_404(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    goal, milestone = ours.other_plan_goal, ours.other_plan_milestone
    assert admin.get(f"/program/plan/goals/{goal.pk}/").status_code == 404
    assert admin.post(f"/program/plan/goals/{goal.pk}/delete/").status_code == 404
    assert admin.get(f"/program/plan/milestones/{milestone.pk}/").status_code == 404
    assert admin.post(f"/program/plan/milestones/{milestone.pk}/done/").status_code == 404
    other = host_client(ours.host, ours.other_partner_admin)
    page = other.get(f"/program/plan/{YEAR}/").content.decode()
    assert ours.plan_milestone.title not in page
    assert ours.other_plan_milestone.title in page
    with scope(tenant=ours.tenant):
        assert PlanGoal.objects.filter(pk=goal.pk).exists()


def test_my_program_shows_this_years_goals_and_milestones_with_badges(ours, host_client):
    today = timezone.localdate()
    with scope(tenant=ours.tenant):
        PlanMilestone.objects.create(
            tenant=ours.tenant,
            plan=ours.plan,
            title="Late one",
            owner=ours.members[Role.CAM],
            due_on=today - timedelta(days=3),
        )
        PlanMilestone.objects.create(
            tenant=ours.tenant,
            plan=ours.plan,
            title="Done one",
            owner=ours.members[Role.PARTNER_ADMIN],
            due_on=today - timedelta(days=9),
            done_on=today - timedelta(days=10),
        )
    html = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/program/").content.decode()
    assert f"Business plan {YEAR}" in html
    assert 'aria-label="Active users"' in html  # the goal's progress bar
    assert "2 / 5" in html
    assert "Late one" in html
    assert "Overdue" in html
    assert "Done " in html
    assert "1 of 3 done" in html
    assert f"/program/plan/{YEAR}/" in html


def test_my_program_empty_state_asks_the_admin_to_create_and_tells_the_rep_to_wait(
    ours, host_client
):
    with scope(tenant=ours.tenant):
        BusinessPlan.objects.filter(partner=ours.partner).delete()
    admin_page = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/program/")
    assert f"/program/plan/{YEAR}/create/" in admin_page.content.decode()
    rep_page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/program/")
    html = rep_page.content.decode()
    assert "There is no business plan for" in html
    assert "portal admin creates it with your account manager" in html
    assert "/create/" not in html
