"""Overdue milestones: told once to the owner, the partner's admins and its CAMs; never when
done."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import PlanMilestone
from prm.notifications.models import EmailOutbox, Notification
from prm.notifications.reminders import run_reminders
from prm.notifications.tasks import reminders_run_all_task
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

OVERDUE = "partners.plan.milestone_overdue"


def milestone(world, title, *, owner, due_in, done_in=None):
    today = timezone.localdate()
    with scope(tenant=world.tenant):
        return PlanMilestone.objects.create(
            tenant=world.tenant,
            plan=world.plan,
            title=title,
            owner=owner,
            due_on=today + timedelta(days=due_in),
            done_on=None if done_in is None else today + timedelta(days=done_in),
        )


def overdue_notifications(world):
    with scope(tenant=world.tenant):
        return list(Notification.objects.filter(event=OVERDUE).select_related("recipient"))


def test_an_overdue_milestone_tells_its_owner_the_partner_admins_and_cams_once(ours):
    rep = ours.members[Role.PARTNER_REP]
    milestone(ours, "Certify two engineers", owner=rep, due_in=-2)
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 1
        assert run_reminders(ours.tenant) == 0  # the next sweep: nothing again
    told = overdue_notifications(ours)
    assert sorted(n.recipient.email for n in told) == sorted(
        m.user.email for m in (rep, ours.members[Role.PARTNER_ADMIN], ours.members[Role.CAM])
    )
    assert all("Certify two engineers" in n.title for n in told)
    links = {n.recipient: n.link for n in told}
    assert links[rep.user] == f"/program/plan/{ours.plan.year}/"
    assert links[ours.members[Role.CAM].user] == (
        f"/admin/partners/businessplan/{ours.plan.pk}/change/"
    )
    with scope(tenant=ours.tenant):
        assert EmailOutbox.objects.filter(to_email=rep.user.email).exists()


def test_done_due_today_or_future_milestones_are_not_overdue(ours):
    admin = ours.members[Role.PARTNER_ADMIN]
    milestone(ours, "Done late", owner=admin, due_in=-9, done_in=-1)
    milestone(ours, "Due today", owner=admin, due_in=0)
    milestone(ours, "Next month", owner=admin, due_in=30)
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 0
    assert overdue_notifications(ours) == []


def test_an_owner_who_is_also_a_partner_admin_is_told_once(ours):
    milestone(ours, "Kick-off", owner=ours.members[Role.PARTNER_ADMIN], due_in=-1)
    with scope(tenant=ours.tenant):
        run_reminders(ours.tenant)
    recipients = [n.recipient for n in overdue_notifications(ours)]
    assert sorted(u.email for u in recipients) == sorted(
        [ours.members[Role.PARTNER_ADMIN].user.email, ours.members[Role.CAM].user.email]
    )


def test_the_beat_sweep_tells_each_tenant_about_its_own_milestones(ours, theirs):
    milestone(ours, "Ours late", owner=ours.members[Role.PARTNER_REP], due_in=-3)
    milestone(theirs, "Theirs late", owner=theirs.members[Role.PARTNER_REP], due_in=-3)
    reminders_run_all_task()
    assert {n.title for n in overdue_notifications(ours)} == {
        f"Overdue: “Ours late” ({ours.partner.name}, {ours.plan.year} plan)"
    }
    assert {n.title for n in overdue_notifications(theirs)} == {
        f"Overdue: “Theirs late” ({theirs.partner.name}, {theirs.plan.year} plan)"
    }
