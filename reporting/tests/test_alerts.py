"""The alert state machine (hysteresis): an alert fires once when its rule starts holding,
stays open while it holds, resolves by the margin or after N evaluations without the condition,
and fires again only after resolving, as a new alert with the old one kept. Owners are told once;
a CAM sees only alerts about their partners."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from deals.tests.factories import DealFactory
from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.roles import Role
from prm.workflow import TransitionError
from reporting.alerts.services import alert_acknowledge, alert_snooze, alerts_visible_to
from reporting.alerts.sweep import sweep_tenant
from reporting.models import Alert, AlertEvent, AlertRule

from .alert_rows import inactive_rule, sign_in, watched_partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_scope(ours):
    with scope(tenant=ours.tenant):
        yield


S = Alert.State


def _notified(rule_name: str, user_id: int) -> int:
    return Notification.objects.filter(
        recipient_id=user_id, title__contains=rule_name, event="reporting.alert.fired"
    ).count()


def test_fires_once_stays_open_resolves_and_fires_again(ours):
    world = ours
    cam = world.members[Role.CAM]
    partner = watched_partner(world)
    rule = inactive_rule(partner)
    today = timezone.localdate()

    first = sweep_tenant(world.tenant, today=today)
    assert len(first.fired) == 1
    alert = Alert.objects.get(pk=first.fired[0])
    assert (alert.state, alert.partner_id, alert.value, alert.threshold) == (
        S.OPEN, partner.pk, Decimal(0), Decimal(1),
    )  # fmt: skip
    assert alert.owner_ids == [cam.pk]
    assert _notified(rule.name, cam.user_id) == 1
    assert EmailOutbox.objects.filter(recipient=cam.user, category="reporting_alerts").count() == 1

    # still holding: the same alert, no new notification
    again = sweep_tenant(world.tenant, today=today)
    assert again.fired == []
    assert again.still_open == 1
    assert Alert.objects.filter(rule=rule).count() == 1
    assert _notified(rule.name, cam.user_id) == 1

    # the partner signs in: the condition stops holding, the alert resolves (N = 1)
    sign_in(partner, today)
    resolved = sweep_tenant(world.tenant, today=today)
    assert resolved.resolved == [alert.pk]
    alert.refresh_from_db()
    assert alert.state == S.RESOLVED
    assert alert.resolved_at is not None
    assert (
        Notification.objects.filter(
            recipient_id=cam.user_id, event="reporting.alert.resolved"
        ).count()
        == 1
    )

    # 61 days on, the sign-in is out of the window: a new alert, the old one kept
    later = sweep_tenant(world.tenant, today=today + timedelta(days=61))
    assert len(later.fired) == 1
    assert later.fired[0] != alert.pk
    assert list(Alert.objects.filter(rule=rule).order_by("pk").values_list("state", flat=True)) == [
        S.RESOLVED, S.OPEN,
    ]  # fmt: skip
    assert _notified(rule.name, cam.user_id) == 2
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == [AlertEvent.Kind.FIRED, AlertEvent.Kind.RESOLVED]


def _registered_rule(partner, **changes) -> AlertRule:
    """Fewer than 3 registrations this month; resolves 2 above it, or after 3 clear checks."""
    return inactive_rule(
        partner,
        name="Fewer than 3 registrations",
        metric="deals.registered",
        threshold=Decimal(3),
        window=AlertRule.Window.MONTH,
        trailing_days=None,
        resolve_margin=Decimal(2),
        resolve_after=3,
        **changes,
    )


def _deals(partner, n: int, day) -> None:
    for _ in range(n):
        DealFactory(partner=partner, submitted_at=timezone.make_aware(
            timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=12)
        ))  # fmt: skip


def test_resolves_by_the_margin_at_once(ours):
    partner = watched_partner(ours)
    rule = _registered_rule(partner)
    today = timezone.localdate()
    fired = sweep_tenant(ours.tenant, today=today).fired
    assert len(fired) == 1
    _deals(partner, 3, today.replace(day=1))  # 3: no longer below 3, not 2 better
    assert sweep_tenant(ours.tenant, today=today).resolved == []
    alert = Alert.objects.get(pk=fired[0])
    assert alert.state == S.OPEN
    assert alert.clear_streak == 1
    _deals(partner, 2, today.replace(day=1))  # 5 = 3 + the margin of 2
    assert sweep_tenant(ours.tenant, today=today).resolved == [alert.pk]
    assert Alert.objects.filter(rule=rule).count() == 1


def test_resolves_after_n_evaluations_without_the_condition(ours):
    partner = watched_partner(ours)
    _registered_rule(partner)
    today = timezone.localdate()
    [pk] = sweep_tenant(ours.tenant, today=today).fired
    _deals(partner, 3, today.replace(day=1))
    assert sweep_tenant(ours.tenant, today=today).resolved == []
    assert sweep_tenant(ours.tenant, today=today).resolved == []
    assert Alert.objects.get(pk=pk).clear_streak == 2
    assert sweep_tenant(ours.tenant, today=today).resolved == [pk]


def test_a_holding_evaluation_resets_the_count(ours):
    partner = watched_partner(ours)
    rule = _registered_rule(partner)
    today = timezone.localdate()
    [pk] = sweep_tenant(ours.tenant, today=today).fired
    _deals(partner, 3, today.replace(day=1))
    sweep_tenant(ours.tenant, today=today)
    rule.threshold = Decimal(4)  # holds again: 3 < 4
    rule.save()
    sweep_tenant(ours.tenant, today=today)
    assert Alert.objects.get(pk=pk).clear_streak == 0


def test_a_rule_from_week_n_waits_for_its_week(ours):
    partner = watched_partner(ours)
    inactive_rule(partner, window=AlertRule.Window.QUARTER, trailing_days=None, from_week=8)
    start = timezone.localdate().replace(month=1, day=1)
    early = sweep_tenant(ours.tenant, today=start + timedelta(days=20))  # week 3
    assert early.waiting == 1
    assert early.fired == []
    late = sweep_tenant(ours.tenant, today=start + timedelta(days=50))  # week 8
    assert late.waiting == 0
    assert len(late.fired) == 1


def test_below_the_tiers_requirement(ours):
    from partners.models import TierRequirement

    partner = watched_partner(ours)
    TierRequirement.objects.create(
        tenant=ours.tenant, tier=partner.tier, metric="training.certified_users", threshold=2
    )
    inactive_rule(
        partner, metric="training.certified_users",
        comparison=AlertRule.Comparison.BELOW_TIER, threshold=None,
    )  # fmt: skip
    [pk] = sweep_tenant(ours.tenant).fired
    alert = Alert.objects.get(pk=pk)
    assert (alert.value, alert.threshold) == (Decimal(0), Decimal(2))


def test_a_change_rule_compares_with_the_same_stretch_before(ours):
    partner = watched_partner(ours)
    today = timezone.localdate().replace(day=20)
    month_start = today.replace(day=1)
    previous_start = (month_start - timedelta(days=1)).replace(day=1)
    _deals(partner, 4, previous_start)  # 4 in the first 20 days of last month
    _deals(partner, 1, month_start)  # 1 this month: a drop of 75%
    _deals(partner, 5, previous_start + timedelta(days=25))  # after day 20: not compared
    inactive_rule(
        partner, metric="deals.registered", comparison=AlertRule.Comparison.DROP,
        threshold=Decimal(50), window=AlertRule.Window.MONTH, trailing_days=None,
    )  # fmt: skip
    [pk] = sweep_tenant(ours.tenant, today=today).fired
    assert Alert.objects.get(pk=pk).value == Decimal("-75.0")


def test_program_and_cam_portfolio_scopes(ours):
    world = ours
    cam = world.members[Role.CAM]
    leader = world.members[Role.PROGRAM_LEADER]
    AlertRule.objects.create(
        tenant=world.tenant, name="Portfolio without deals", metric="deals.registered",
        scope=AlertRule.Scope.CAM, comparison=AlertRule.Comparison.BELOW, threshold=1000,
        window=AlertRule.Window.YEAR, owner=AlertRule.Owner.CAMS, channel="in_app",
    )  # fmt: skip
    AlertRule.objects.create(
        tenant=world.tenant, name="Program registrations", metric="deals.registered",
        scope=AlertRule.Scope.PROGRAM, comparison=AlertRule.Comparison.BELOW, threshold=1000,
        window=AlertRule.Window.YEAR, owner=AlertRule.Owner.LEADERS, channel="in_app",
    )  # fmt: skip
    sweep_tenant(world.tenant)
    portfolio = Alert.objects.get(rule__name="Portfolio without deals")
    assert (portfolio.subject_key, portfolio.cam_id, portfolio.owner_ids) == (
        f"cam:{cam.pk}", cam.pk, [cam.pk],
    )  # fmt: skip
    program = Alert.objects.get(rule__name="Program registrations")
    assert program.subject_key == "program"
    assert leader.pk in program.owner_ids
    # in the app only: no email
    assert not EmailOutbox.objects.filter(recipient=leader.user, category="reporting_alerts")


def test_digest_channel_holds_the_email_for_the_digest(ours):
    cam = ours.members[Role.CAM]
    partner = watched_partner(ours)
    inactive_rule(partner, channel=AlertRule.Channel.DIGEST)
    sweep_tenant(ours.tenant)
    assert _notified("No deal or login", cam.user_id) == 1
    email = EmailOutbox.objects.get(recipient=cam.user, category="reporting_alerts")
    assert email.status == EmailOutbox.Status.HELD


def test_a_cam_sees_only_alerts_about_their_partners(ours):
    world = ours
    cam = world.members[Role.CAM]
    mine = watched_partner(world, "Mine")
    theirs = watched_partner(world, "Not mine", cam=False)
    inactive_rule(mine, owner=AlertRule.Owner.LEADERS)
    inactive_rule(theirs, owner=AlertRule.Owner.LEADERS)
    inactive_rule(mine, name="Mine, for CAMs")
    sweep_tenant(world.tenant)
    assert Alert.objects.exclude(rule=world.alert_rule).count() == 3
    # the CAM owns only the CAMs' rule's alert about their partner
    assert [a.subject_label for a in alerts_visible_to(cam).exclude(rule=world.alert_rule)] == [
        "Mine"
    ]
    # an alert they own about a partner they no longer manage is hidden too
    Alert.objects.filter(partner=mine).update(owner_ids=[cam.pk])
    Alert.objects.filter(partner=theirs).update(owner_ids=[cam.pk])
    assert {a.partner_id for a in alerts_visible_to(cam).exclude(rule=world.alert_rule)} == {
        mine.pk
    }
    leader = world.members[Role.PROGRAM_LEADER]
    assert alerts_visible_to(leader).exclude(rule=world.alert_rule).count() == 3
    assert not alerts_visible_to(world.members[Role.PARTNER_ADMIN]).exists()


def test_acknowledge_and_snooze(ours):
    world = ours
    cam = world.members[Role.CAM]
    partner = watched_partner(world)
    inactive_rule(partner)
    [pk] = sweep_tenant(world.tenant).fired
    alert = Alert.objects.get(pk=pk)
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=world.members[Role.PARTNER_OPS].__class__.objects.get(
            pk=world.other_partner_admin.pk), alert=alert)  # fmt: skip
    with pytest.raises(ValidationError):
        alert_snooze(actor=cam, alert=alert, until=timezone.localdate())
    alert_snooze(actor=cam, alert=alert, until=timezone.localdate() + timedelta(days=3))
    alert_acknowledge(actor=cam, alert=alert, note="Calling them Monday")
    alert.refresh_from_db()
    assert alert.state == S.ACKNOWLEDGED
    assert alert.acknowledged_by_id == cam.pk
    with pytest.raises(TransitionError):
        alert_acknowledge(actor=cam, alert=alert)
    kinds = list(alert.history.values_list("kind", "note"))
    assert kinds[0][0] == AlertEvent.Kind.FIRED
    assert kinds[1][0] == AlertEvent.Kind.SNOOZED
    assert kinds[2] == (AlertEvent.Kind.ACKNOWLEDGED, "Calling them Monday")
    from prm.audit.models import AuditEvent

    actions = set(
        AuditEvent.objects.filter(object_id=str(alert.pk)).values_list("action", flat=True)
    )
    assert {"reporting.alert.acknowledged", "reporting.alert.snoozed"} <= actions
    # acknowledged: it still resolves when the figure recovers
    sign_in(partner, timezone.localdate())
    assert sweep_tenant(world.tenant).resolved == [alert.pk]


def test_weekly_reminder_unless_snoozed_or_acknowledged(ours):
    world = ours
    cam = world.members[Role.CAM]
    partner = watched_partner(world)
    inactive_rule(partner)
    today = timezone.localdate()
    [pk] = sweep_tenant(world.tenant, today=today).fired
    assert sweep_tenant(world.tenant, today=today + timedelta(days=6)).reminded == []
    assert sweep_tenant(world.tenant, today=today + timedelta(days=7)).reminded == [pk]
    alert = Alert.objects.get(pk=pk)
    alert_snooze(actor=cam, alert=alert, until=timezone.localdate() + timedelta(days=30))
    assert sweep_tenant(world.tenant, today=today + timedelta(days=20)).reminded == []
    # a sweep as of a past day (the demo filling its history) reminds nobody
    Alert.objects.filter(pk=pk).update(snoozed_until=None, notified_on=today - timedelta(days=30))
    assert sweep_tenant(world.tenant, today=today - timedelta(days=1)).reminded == []


def test_seeded_rules_on_a_new_tenant():
    from django_scopes import scope

    from prm.tenancy.tests.factories import TenantFactory

    tenant = TenantFactory(slug="alertsnew")
    from prm.notifications.events import emit

    with scope(tenant=tenant):
        emit("platform.tenant.created", tenant=tenant)
        emit("platform.tenant.created", tenant=tenant)  # again: nothing more
        seeded = {r.seed_key: r for r in AlertRule.objects.filter(tenant=tenant)}
    assert set(seeded) == {
        "inactive_partner", "decision_time", "mdf_utilisation", "certified_below_tier",
        "psat_below_7",
    }  # fmt: skip
    assert seeded["mdf_utilisation"].from_week == 8
    assert seeded["certified_below_tier"].comparison == AlertRule.Comparison.BELOW_TIER
