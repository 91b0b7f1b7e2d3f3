"""The state-transition helper (`prm.workflow`), on a small machine of its own: the role of a
partner user's membership, promoted (rep -> admin), demoted (admin -> rep) or touched (kept)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.notifications import events
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.workflow import Action, TransitionError, Workflow, lock_row

R = Role
PROMOTED = events.EventType(
    "tests.membership.promoted", "A test machine promoted a member.", placeholders=("member",)
)


def describe(membership: Membership) -> dict[str, object]:
    return {"member": membership.user.email, "membership_id": membership.pk}


ROLES = Workflow(
    Membership,
    [
        Action("promote", gettext_lazy("promoted"), {R.PARTNER_REP}, R.PARTNER_ADMIN),
        Action("demote", gettext_lazy("demoted"), {R.PARTNER_ADMIN}, R.PARTNER_REP),
        Action("touch", gettext_lazy("touched"), {R.PARTNER_REP, R.PARTNER_ADMIN}, None),
    ],
    refusal=gettext_lazy("A member who is %(status)s cannot be %(verb)s."),
    describe=describe,
    field="role",
)


@pytest.fixture
def announced(monkeypatch):
    """The events the machine emits, as a subscribed handler sees them."""
    seen: list[events.Event] = []
    monkeypatch.setitem(events._TYPES, PROMOTED.name, PROMOTED)
    monkeypatch.setitem(events._HANDLERS, PROMOTED.name, [seen.append])
    return seen


@pytest.fixture
def world(ours):
    with scope(tenant=ours.tenant):
        yield ours


def audits(world) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(tenant=world.tenant, action__startswith="tests."))


def row_of(membership: Membership) -> dict[str, object]:
    return model_to_dict(Membership.objects.get(pk=membership.pk))


def test_the_target_comes_from_the_table_and_the_move_is_audited_and_announced(world, announced):
    rep, admin = world.members[R.PARTNER_REP], world.members[R.PARTNER_ADMIN]
    with transaction.atomic():
        moved = ROLES.transition(
            rep,
            "promote",
            actor=admin.user,
            reason="Runs the team now",
            after={"by": "test"},
            event=PROMOTED,
            data={"extra": 1},
        )
    assert moved.role == R.PARTNER_ADMIN
    assert row_of(rep)["role"] == R.PARTNER_ADMIN
    [audit] = audits(world)
    assert audit.action == PROMOTED.name
    assert audit.actor == admin.user
    assert audit.object_id == str(rep.pk)
    assert audit.before == {"role": R.PARTNER_REP}
    assert audit.after == {"role": R.PARTNER_ADMIN, "by": "test"}
    assert audit.reason == "Runs the team now"
    [event] = announced
    assert event.subject == moved
    assert event.actor == admin.user
    assert event.data == {"member": rep.user.email, "membership_id": rep.pk, "extra": 1}


def test_a_refused_action_changes_nothing_audits_nothing_and_tells_nobody(world, announced):
    admin = world.members[R.PARTNER_ADMIN]
    before = row_of(admin)
    called = []
    with pytest.raises(TransitionError) as refused:
        ROLES.transition(
            admin,
            "promote",
            actor=None,
            prepare=called.append,
            save=called.append,
            changes={"is_active": False},
            event=PROMOTED,
        )
    assert refused.value.messages == ["A member who is partner admin cannot be promoted."]
    assert called == []
    assert row_of(admin) == before
    assert audits(world) == []
    assert announced == []


def test_the_locked_row_decides_not_the_callers_copy(world, announced):
    rep = world.members[R.PARTNER_REP]
    stale = Membership.objects.get(pk=rep.pk)
    stale.role = R.PARTNER_ADMIN  # what the caller believes; the database says rep
    assert ROLES.allowed(stale, "demote")
    with transaction.atomic():
        moved = ROLES.transition(stale, "promote", actor=None, event=PROMOTED)
    assert moved.role == R.PARTNER_ADMIN
    with pytest.raises(TransitionError):
        ROLES.transition(stale, "promote", actor=None, event=PROMOTED)


def test_the_hooks_run_in_their_order_under_the_lock(world, announced):
    rep = world.members[R.PARTNER_REP]
    seen = []

    def step(name):
        def hook(row):
            in_transaction = transaction.get_connection().in_atomic_block
            seen.append((name, row.role, row.is_active, in_transaction))
            if name == "prepare":
                row.is_active = False  # `changes` are set after prepare, and win
            if name == "save":
                row.save()

        return hook

    with transaction.atomic():
        ROLES.transition(
            rep,
            "promote",
            actor=None,
            authorize=step("authorize"),
            prepare=step("prepare"),
            save=step("save"),
            changes={"is_active": True},
            after=lambda row: {"active": row.is_active},
            event=PROMOTED,
            data=lambda row: {"role": row.role},
        )
    assert seen == [
        ("authorize", R.PARTNER_REP, True, True),
        ("prepare", R.PARTNER_REP, True, True),
        ("save", R.PARTNER_ADMIN, True, True),
    ]
    assert audits(world)[0].after == {"role": R.PARTNER_ADMIN, "active": True}
    assert announced[0].data["role"] == R.PARTNER_ADMIN


@pytest.mark.parametrize("refusing", ["authorize", "prepare", "save"])
def test_a_hook_that_refuses_leaves_nothing_once_the_transaction_rolls_back(
    world, announced, refusing
):
    rep = world.members[R.PARTNER_REP]
    before = row_of(rep)

    def refuse(row):
        if refusing == "save":
            row.save()  # written, then refused: the caller's transaction takes it back
        raise PermissionDenied if refusing == "authorize" else ValidationError("No.")

    with pytest.raises((PermissionDenied, ValidationError)), transaction.atomic():
        ROLES.transition(rep, "promote", actor=None, event=PROMOTED, **{refusing: refuse})
    assert row_of(rep) == before
    assert audits(world) == []
    assert announced == []


def test_a_move_from_a_silent_status_is_audited_but_not_announced(world, announced):
    rep = world.members[R.PARTNER_REP]
    with transaction.atomic():
        ROLES.transition(rep, "promote", actor=None, event=PROMOTED, silent_from={R.PARTNER_REP})
    assert [a.action for a in audits(world)] == [PROMOTED.name]
    assert announced == []


def test_an_action_without_a_target_keeps_the_status_and_is_audited_by_its_name(world):
    admin = world.members[R.PARTNER_ADMIN]
    with transaction.atomic():
        kept = ROLES.transition(
            admin, "touch", actor=None, changes={"is_active": False}, event=None, audit="tests.x"
        )
    assert (kept.role, kept.is_active) == (R.PARTNER_ADMIN, False)
    [audit] = audits(world)
    assert (audit.action, audit.before, audit.after) == (
        "tests.x",
        {"role": R.PARTNER_ADMIN},
        {"role": R.PARTNER_ADMIN},
    )


def test_a_move_announcing_nothing_must_name_its_audit_action(world):
    rep = world.members[R.PARTNER_REP]
    with pytest.raises(ValueError, match="audit"):
        ROLES.transition(rep, "promote", actor=None, event=None)
    assert row_of(rep)["role"] == R.PARTNER_REP


def test_the_table_refuses_unknown_statuses_and_actions_declared_twice():
    refusal = "%(status)s %(verb)s"
    with pytest.raises(ValueError, match="no status"):
        Workflow(Membership, [Action("x", "x", {"nobody"}, R.CAM)], refusal=refusal, field="role")
    with pytest.raises(ValueError, match="twice"):
        Workflow(
            Membership,
            [Action("x", "x", {R.CAM}, None), Action("x", "y", {R.CAM}, None)],
            refusal=refusal,
            field="role",
        )


def test_a_sweep_leaves_rows_that_are_no_longer_due(world):
    rep, admin = world.members[R.PARTNER_REP], world.members[R.PARTNER_ADMIN]
    with transaction.atomic():
        assert ROLES.lock_for_sweep(admin, "promote") is None
        assert ROLES.lock_for_sweep(rep, "promote", due=lambda row: not row.is_active) is None
        assert ROLES.lock_for_sweep(rep, "promote") == rep


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_a_row_another_transaction_holds(ours):
    rep = ours.members[R.PARTNER_REP]
    found: list[object] = []

    def sweep() -> None:
        try:
            with scope(tenant=ours.tenant), transaction.atomic():
                found.append(ROLES.lock_for_sweep(rep, "promote"))
        finally:
            connection.close()  # the thread's own connection

    def in_another_connection() -> None:
        thread = threading.Thread(target=sweep)
        thread.start()
        thread.join(timeout=10)

    with scope(tenant=ours.tenant), transaction.atomic():
        lock_row(rep)
        in_another_connection()
    in_another_connection()
    assert found == [None, rep]
