"""Business plan services: who may create and change plans, what is checked, what is audited,
who is told, and how goal progress is measured."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.models import BusinessPlan, PlanGoal, PlanMilestone
from partners.plans import selectors as plan_selectors
from partners.plans import services as plans
from partners.tests.factories import BusinessPlanFactory, PartnerFactory
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, partner_membership

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


def plan_events(world, action=None):
    with scope(tenant=world.tenant):
        events = AuditEvent.objects.filter(action__startswith="partners.plan.")
        if action:
            events = events.filter(action=f"partners.plan.{action}")
        return list(events.order_by("pk"))


def told(world, event="partners.plan.changed"):
    with scope(tenant=world.tenant):
        return list(Notification.objects.filter(event=event).select_related("recipient"))


def test_an_assigned_cam_creates_a_plan_and_the_partner_admins_are_told(ours):
    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        plan = plans.plan_create(actor=cam, partner=ours.partner, year=NEXT_YEAR, summary=" Grow ")
        assert plan.summary == "Grow"
    created = plan_events(ours, "created")
    assert len(created) == 1
    assert created[0].actor == cam.user
    assert created[0].after["by"] == f"Channel account manager, {ours.tenant.name}"
    assert [n.recipient for n in told(ours)] == [ours.members[Role.PARTNER_ADMIN].user]
    assert told(ours)[0].link == f"/program/plan/{NEXT_YEAR}/"


def test_a_partner_admin_creates_their_plan_and_the_assigned_cams_are_told(ours):
    admin = ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        plan = plans.plan_create(actor=admin, partner=ours.partner, year=NEXT_YEAR)
    assert plan_events(ours, "created")[0].after["by"] == f"Partner admin, {ours.partner.name}"
    notifications = told(ours)
    assert [n.recipient for n in notifications] == [ours.members[Role.CAM].user]
    assert notifications[0].link == f"/admin/partners/businessplan/{plan.pk}/change/"


@pytest.mark.parametrize(
    "who",
    ["rep", "other partner's admin", "unassigned CAM", "other tenant's leader"],
)
def test_only_editors_of_the_partner_create_plans(ours, theirs, who):
    actor = {
        "rep": ours.members[Role.PARTNER_REP],
        "other partner's admin": ours.other_partner_admin,
        "unassigned CAM": MembershipFactory(tenant=ours.tenant, role=Role.CAM),
        "other tenant's leader": theirs.members[Role.PROGRAM_LEADER],
    }[who]
    with scope(tenant=ours.tenant), pytest.raises(PermissionDenied):
        plans.plan_create(actor=actor, partner=ours.partner, year=NEXT_YEAR)
    with scope(tenant=ours.tenant):
        assert not BusinessPlan.objects.filter(year=NEXT_YEAR).exists()


def test_leaders_and_partner_ops_plan_for_any_partner(ours):
    with scope(tenant=ours.tenant):
        for role, partner in (
            (Role.PROGRAM_LEADER, ours.partner),
            (Role.PARTNER_OPS, ours.other_partner),
        ):
            plans.plan_create(actor=ours.members[role], partner=partner, year=NEXT_YEAR)
        assert BusinessPlan.objects.filter(year=NEXT_YEAR).count() == 2


def test_one_plan_per_partner_and_year_and_only_for_nearby_years(ours):
    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        with pytest.raises(ValidationError) as exists:
            plans.plan_create(actor=cam, partner=ours.partner, year=ours.plan.year)
        assert "has a plan for" in str(exists.value.message_dict["year"])
        for year in (NEXT_YEAR + 1, NEXT_YEAR - 3):
            with pytest.raises(ValidationError) as far:
                plans.plan_create(actor=cam, partner=ours.partner, year=year)
            assert "year" in far.value.message_dict
        assert BusinessPlan.objects.filter(partner=ours.partner).count() == 1


def edit(world, role_or_member, plan=None):
    member = world.members[role_or_member] if isinstance(role_or_member, str) else role_or_member
    return plans.plan_edit(actor=member, plan=plan or world.plan)


def test_a_goal_names_a_registered_metric_once_with_a_positive_target(ours):
    with scope(tenant=ours.tenant):
        with pytest.raises(ValidationError) as unknown, edit(ours, Role.CAM) as e:
            e.goal_add(metric="deals.nonexistent", target=Decimal(5))
        assert "metric" in unknown.value.message_dict
        with pytest.raises(ValidationError) as twice, edit(ours, Role.CAM) as e:
            e.goal_add(metric="partners.active_users", target=Decimal(9))  # the world has it
        assert "already" in twice.value.message_dict["metric"][0]
        with pytest.raises(ValidationError) as zero, edit(ours, Role.CAM) as e:
            e.goal_add(metric="partners.months_in_program", target=Decimal(0))
        assert "target" in zero.value.message_dict
        with edit(ours, Role.CAM) as e:
            goal = e.goal_add(metric="partners.months_in_program", target=Decimal(24))
        assert PlanGoal.objects.filter(plan=ours.plan).count() == 2
        with pytest.raises(ValidationError), edit(ours, Role.CAM) as e:
            e.goal_change(goal, metric="partners.active_users", target=Decimal(1))
        assert PlanGoal.objects.get(pk=goal.pk).metric == "partners.months_in_program"


def test_a_failed_change_leaves_the_whole_edit_unsaved(ours):
    with scope(tenant=ours.tenant):

        def two_goals_on_one_metric() -> None:
            with edit(ours, Role.PARTNER_ADMIN) as e:
                e.summary_set("A new strategy")
                e.goal_add(metric="partners.months_in_program", target=Decimal(12))
                e.goal_add(metric="partners.months_in_program", target=Decimal(13))

        with pytest.raises(ValidationError):
            two_goals_on_one_metric()
        ours.plan.refresh_from_db()
        assert ours.plan.summary != "A new strategy"
        assert ours.plan.goals.count() == 1
    assert plan_events(ours) == []
    assert told(ours) == []


def test_milestone_owners_are_the_partners_users_or_its_assigned_cams(ours, theirs):
    unassigned_cam = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    deactivated = partner_membership(ours.partner, Role.PARTNER_REP, is_active=False)
    due = timezone.localdate() + timedelta(days=10)
    refused = [
        ours.other_partner_rep,
        ours.other_partner_admin,
        unassigned_cam,
        ours.members[Role.PROGRAM_LEADER],
        deactivated,
        theirs.members[Role.PARTNER_REP],
    ]
    with scope(tenant=ours.tenant):
        for owner in refused:
            with pytest.raises(ValidationError) as exc, edit(ours, Role.PARTNER_ADMIN) as e:
                e.milestone_add(title="Webinar", owner=owner, due_on=due)
            assert "owner" in exc.value.message_dict, owner
        for owner in (ours.members[Role.CAM], ours.members[Role.PARTNER_REP]):
            with edit(ours, Role.PARTNER_ADMIN) as e:
                e.milestone_add(title=f"For {owner.pk}", owner=owner, due_on=due)
        choices = set(plan_selectors.owner_choices(partner=ours.partner, plan=ours.plan))
    assert choices == {
        ours.members[Role.CAM],
        ours.members[Role.PARTNER_ADMIN],
        ours.members[Role.PARTNER_REP],
    }


def test_a_deactivated_owner_stays_valid_until_the_milestone_is_handed_over(ours):
    milestone = ours.plan_milestone
    owner = milestone.owner
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with scope(tenant=ours.tenant):
        with edit(ours, Role.CAM) as e:
            e.milestone_change(
                milestone, title="Renamed", owner=owner, due_on=milestone.due_on, note=""
            )
        assert PlanMilestone.objects.get(pk=milestone.pk).title == "Renamed"


def test_the_owner_marks_their_milestone_done_but_changes_nothing_else(ours):
    rep = ours.members[Role.PARTNER_REP]  # owns the world's milestone
    other_rep = partner_membership(ours.partner, Role.PARTNER_REP)
    milestone = ours.plan_milestone
    with scope(tenant=ours.tenant):
        with pytest.raises(PermissionDenied), edit(ours, other_rep) as e:
            e.milestone_done(milestone)
        with pytest.raises(PermissionDenied), edit(ours, rep) as e:
            e.milestone_change(
                milestone, title="Mine now", owner=rep, due_on=milestone.due_on, note=""
            )
        with pytest.raises(ValidationError), edit(ours, rep) as e:
            e.milestone_done(milestone, on=timezone.localdate() + timedelta(days=1))
        with edit(ours, rep) as e:
            e.milestone_done(milestone)
        assert PlanMilestone.objects.get(pk=milestone.pk).done_on == timezone.localdate()
        with edit(ours, rep) as e:
            e.milestone_reopen(milestone)
        assert PlanMilestone.objects.get(pk=milestone.pk).done_on is None
    # The rep is on the partner's side: the CAM hears of it.
    assert {n.recipient for n in told(ours)} == {ours.members[Role.CAM].user}


def test_a_plan_of_another_partner_or_a_foreign_row_cannot_be_edited(ours):
    with scope(tenant=ours.tenant):
        other_plan = BusinessPlan.objects.get(partner=ours.other_partner)
        with pytest.raises(PermissionDenied), edit(ours, Role.PARTNER_ADMIN, plan=other_plan):
            pass
        with pytest.raises(PermissionDenied), edit(ours, Role.CAM, plan=other_plan):
            pass
        with pytest.raises(PermissionDenied), edit(ours, Role.PARTNER_ADMIN) as e:
            e.goal_remove(ours.other_plan_goal)  # a goal of B's plan through A's plan
        assert PlanGoal.objects.filter(pk=ours.other_plan_goal.pk).exists()


def test_each_change_is_audited_with_what_changed_and_the_side(ours):
    admin, cam = ours.members[Role.PARTNER_ADMIN], ours.members[Role.CAM]
    today = timezone.localdate()
    with scope(tenant=ours.tenant):
        with edit(ours, Role.PARTNER_ADMIN) as e:
            goal = e.goal_add(metric="partners.months_in_program", target=Decimal(12))
            milestone = e.milestone_add(title="Webinar", owner=cam, due_on=today)
        with edit(ours, Role.CAM) as e:
            e.goal_change(goal, metric=goal.metric, target=Decimal("18.5"), note="stretch")
            e.milestone_change(milestone, title="Webinar", owner=admin, due_on=today, note="")
            e.milestone_done(milestone)
            e.summary_set("Focus on healthcare")
        with edit(ours, Role.PARTNER_ADMIN) as e:
            e.goal_remove(goal)
            e.milestone_remove(milestone)
    events = {e.action.removeprefix("partners.plan."): e for e in plan_events(ours)}
    assert set(events) == {
        "goal_added",
        "milestone_added",
        "goal_changed",
        "milestone_changed",
        "milestone_done",
        "summary_changed",
        "goal_removed",
        "milestone_removed",
    }
    partner_side, vendor_side = (
        f"Partner admin, {ours.partner.name}",
        (f"Channel account manager, {ours.tenant.name}"),
    )
    assert events["goal_added"].after["by"] == partner_side
    assert events["goal_added"].actor == admin.user
    assert events["goal_changed"].before == {"target": "12", "note": ""}
    assert events["goal_changed"].after == {
        "goal": "Months in the program",
        "target": "18.5",
        "note": "stretch",
        "by": vendor_side,
    }
    assert (
        events["milestone_changed"]
        .before["owner"]
        .startswith(cam.user.get_full_name() or cam.user.email)
    )
    assert events["milestone_done"].after["done_on"] == today.isoformat()
    assert events["milestone_removed"].before["milestone"] == "Webinar"
    assert events["goal_removed"].after["by"] == partner_side
    assert all(e.object_id == str(ours.plan.pk) for e in events.values())


def test_one_notification_per_edit_tells_the_other_side_every_change(ours):
    with scope(tenant=ours.tenant):
        with edit(ours, Role.CAM) as e:
            e.goal_add(metric="partners.months_in_program", target=Decimal(12))
            e.summary_set("Healthcare first")
        with edit(ours, Role.CAM):
            pass  # no change, no notification
    notifications = told(ours)
    assert len(notifications) == 1
    assert notifications[0].recipient == ours.members[Role.PARTNER_ADMIN].user
    assert "added the goal Months in the program: 12" in notifications[0].body
    assert "rewrote the strategy" in notifications[0].body


def test_goal_progress_is_the_metric_over_the_plans_year_one_query_per_metric(
    ours, django_assert_num_queries
):
    with scope(tenant=ours.tenant):
        ours.partner.joined_on = date(timezone.localdate().year - 1, 1, 1)
        ours.partner.save(update_fields=["joined_on"])
        with edit(ours, Role.CAM) as e:
            e.goal_add(metric="partners.months_in_program", target=Decimal(120))
        many = [BusinessPlanFactory(partner=PartnerFactory(tenant=ours.tenant)) for _ in range(4)]
        loaded = list(
            BusinessPlan.objects.filter(pk__in=[ours.plan.pk] + [p.pk for p in many])
            .prefetch_related("goals")
            .order_by("pk")
        )
        with django_assert_num_queries(2):  # active users, months in the program
            progress = plan_selectors.goal_progress(loaded, tenant=ours.tenant)
    by_metric = {p.goal.metric: p for p in progress[ours.plan.pk]}
    active = by_metric["partners.active_users"]
    assert active.actual == 2  # the admin and the rep of partner A
    assert active.target == 5
    assert active.percent == 40
    assert not active.reached
    today = timezone.localdate()
    assert by_metric["partners.months_in_program"].actual == 12 + today.month - 1


def test_the_plan_period_is_the_calendar_year_up_to_today():
    today = date(2026, 5, 17)
    assert plan_selectors.plan_period(2026, today).end == today
    assert plan_selectors.plan_period(2025, today).start == date(2025, 1, 1)
    assert plan_selectors.plan_period(2025, today).end == date(2025, 12, 31)
    future = plan_selectors.plan_period(2027, today)
    assert future.start == future.end == date(2027, 1, 1)


def test_an_unassigned_cam_cannot_edit_an_assigned_one_can(ours):
    newcomer = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    with scope(tenant=ours.tenant):
        with pytest.raises(PermissionDenied), edit(ours, newcomer):
            pass
        assign_perm(MANAGE_PARTNER, newcomer.user, ours.partner)
        with edit(ours, newcomer) as e:
            e.summary_set("Assigned now")
