"""Joint business plans: one per partner and year, with goals on metrics and owned milestones.

Both sides edit a plan: the partner's admins in the portal, and the vendor staff who see the
partner (its assigned CAMs, partner ops, the program leader) in the admin UI. Every change is
audited on the plan, saying which side made it, and the other side is told once per save. The
owner of a milestone may mark it done without the right to edit the rest of the plan. The reads
(who may do what, goal progress) are in `partners.plans.selectors`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.dates import format_day
from prm.notifications.events import emit
from prm.tenancy.models import Membership

from .. import events
from ..models import BusinessPlan, Partner, PlanGoal, PlanMilestone
from .selectors import (
    goal_label,
    may_edit,
    may_mark_done,
    may_see,
    metric_or_none,
    owner_choices,
    owner_label,
    plan_create_error,
)


def plan_create(
    *, actor: Membership, partner: Partner, year: int, summary: str = "", ip: str | None = None
) -> BusinessPlan:
    """Start the partner's plan for `year`; the other side is told.

    Raises `PermissionDenied` unless the actor may edit the partner's plans, `ValidationError`
    (on "year") when the year is not plannable or the partner has a plan for it already.
    """
    if not may_edit(actor, partner):
        raise PermissionDenied(_("You may not make plans for this partner."))
    error = plan_create_error(partner=partner, year=year)
    if error:
        raise ValidationError({"year": error})
    try:
        with transaction.atomic():
            plan = BusinessPlan.objects.create(
                tenant_id=actor.tenant_id, partner=partner, year=year, summary=summary.strip()
            )
            editor = PlanEditor(actor=actor, plan=plan, ip=ip)
            editor.record(
                "created",
                after={"year": year, "summary": plan.summary},
                line=(gettext_lazy("created the plan"), {}),
            )
            editor.announce()
    except IntegrityError as exc:  # a second request created it at the same moment
        message = _("%(partner)s has a plan for %(year)s already.") % {
            "partner": partner.name,
            "year": year,
        }
        raise ValidationError({"year": message}) from exc
    return plan


@contextmanager
def plan_edit(
    *, actor: Membership, plan: BusinessPlan, ip: str | None = None
) -> Iterator["PlanEditor"]:
    """Change one plan: `with plan_edit(actor=..., plan=...) as edit: edit.goal_add(...)`.

    One transaction with the plan's row locked, so concurrent edits of a plan queue up; each
    change is checked and audited as it is made; when the block ends without an error, the other
    side is told every change in one notification. Raises `PermissionDenied` when the actor does
    not see the plan's partner; each change raises its own errors (see `PlanEditor`).
    """
    with transaction.atomic():
        locked = (
            BusinessPlan.objects.select_for_update(of=("self",))
            .select_related("partner", "tenant")
            .filter(pk=plan.pk, tenant_id=actor.tenant_id)
            .first()
        )
        if locked is None or not may_see(actor, locked.partner):
            raise PermissionDenied
        editor = PlanEditor(actor=actor, plan=locked, ip=ip)
        yield editor
        editor.announce()


Line = tuple[str | Promise, dict[str, Any]]


class PlanEditor:
    """The changes one member makes to one plan inside `plan_edit`.

    Every method raises `PermissionDenied` when the member may not make that change (only
    marking a milestone done or open again is allowed to its owner), and `ValidationError`,
    keyed by field, for bad input; nothing of a failed change is written.
    """

    def __init__(self, *, actor: Membership, plan: BusinessPlan, ip: str | None) -> None:
        self.actor = actor
        self.plan = plan
        self.ip = ip
        self.lines: list[Line] = []
        self.can_edit = may_edit(actor, plan.partner)

    # The strategy

    def summary_set(self, summary: str) -> None:
        self._require_edit()
        summary = summary.strip()
        if summary == self.plan.summary:
            return
        before = self.plan.summary
        self.plan.summary = summary
        self.plan.save(update_fields=["summary", "updated_at"])
        self.record(
            "summary_changed",
            before={"summary": before},
            after={"summary": summary},
            line=(gettext_lazy("rewrote the strategy"), {}),
        )

    # Goals

    def goal_add(self, *, metric: str, target: Decimal, note: str = "") -> PlanGoal:
        self._require_edit()
        self._check_goal(metric=metric, target=target)
        goal = PlanGoal.objects.create(
            tenant_id=self.plan.tenant_id,
            plan=self.plan,
            metric=metric,
            target=target,
            note=note.strip(),
        )
        self.record(
            "goal_added",
            after={"goal": goal_label(metric), "target": _num(target), **_note(goal.note)},
            line=(
                gettext_lazy("added the goal %(goal)s: %(target)s"),
                {"goal": goal_label(metric), "target": _num(target)},
            ),
        )
        self._touch()
        return goal

    def goal_change(
        self, goal: PlanGoal, *, metric: str, target: Decimal, note: str = ""
    ) -> PlanGoal:
        self._require_edit()
        goal = self._fresh(PlanGoal, goal)
        self._check_goal(metric=metric, target=target, goal=goal)
        new = {"metric": metric, "target": target, "note": note.strip()}
        changed = [f for f, value in new.items() if getattr(goal, f) != value]
        if not changed:
            return goal
        before = {f: _plain(f, getattr(goal, f)) for f in changed}
        for f in changed:
            setattr(goal, f, new[f])
        goal.save(update_fields=changed)
        self.record(
            "goal_changed",
            before=before,
            after={"goal": goal_label(goal.metric), **{f: _plain(f, new[f]) for f in changed}},
            line=(
                gettext_lazy("changed the goal %(goal)s: %(target)s"),
                {"goal": goal_label(goal.metric), "target": _num(goal.target)},
            ),
        )
        self._touch()
        return goal

    def goal_remove(self, goal: PlanGoal) -> None:
        self._require_edit()
        goal = self._fresh(PlanGoal, goal)
        label = goal_label(goal.metric)
        self.record(
            "goal_removed",
            before={"goal": label, "target": _num(goal.target)},
            line=(gettext_lazy("removed the goal %(goal)s"), {"goal": label}),
        )
        goal.delete()
        self._touch()

    # Milestones

    def milestone_add(
        self, *, title: str, owner: Membership, due_on: date, note: str = ""
    ) -> PlanMilestone:
        self._require_edit()
        title = title.strip()
        self._check_milestone(title=title, owner=owner)
        milestone = PlanMilestone.objects.create(
            tenant_id=self.plan.tenant_id,
            plan=self.plan,
            title=title,
            owner=owner,
            due_on=due_on,
            note=note.strip(),
        )
        self.record(
            "milestone_added",
            after={
                "milestone": title,
                "owner": owner_label(owner),
                "due_on": due_on.isoformat(),
                **_note(milestone.note),
            },
            line=(
                gettext_lazy("added the milestone “%(title)s” for %(owner)s, due %(due)s"),
                {"title": title, "owner": _name(owner), "due": due_on},
            ),
        )
        self._touch()
        return milestone

    def milestone_change(
        self,
        milestone: PlanMilestone,
        *,
        title: str,
        owner: Membership,
        due_on: date,
        note: str = "",
    ) -> PlanMilestone:
        self._require_edit()
        milestone = self._fresh(PlanMilestone, milestone)
        title = title.strip()
        self._check_milestone(title=title, owner=owner, current=milestone)
        new: dict[str, Any] = {
            "title": title,
            "owner": owner,
            "due_on": due_on,
            "note": note.strip(),
        }
        changed = [f for f, value in new.items() if getattr(milestone, f) != value]
        if not changed:
            return milestone
        before = {f: _plain(f, getattr(milestone, f)) for f in changed}
        for f in changed:
            setattr(milestone, f, new[f])
        milestone.save(update_fields=changed)
        self.record(
            "milestone_changed",
            before=before,
            after={"milestone": title, **{f: _plain(f, new[f]) for f in changed}},
            line=(gettext_lazy("changed the milestone “%(title)s”"), {"title": title}),
        )
        self._touch()
        return milestone

    def milestone_done(self, milestone: PlanMilestone, *, on: date | None = None) -> PlanMilestone:
        """Mark done on `on` (today by default; never in the future). The owner may do this."""
        milestone = self._fresh(PlanMilestone, milestone)
        if not may_mark_done(self.actor, milestone, self.plan.partner):
            raise PermissionDenied(_("Only the plan's editors and the milestone's owner may."))
        if on is None and milestone.done_on is not None:
            return milestone  # a second click from a page that was not reloaded
        today = timezone.localdate()
        on = on or today
        if on > today:
            raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
        if milestone.done_on == on:
            return milestone
        before = milestone.done_on
        milestone.done_on = on
        milestone.save(update_fields=["done_on"])
        self.record(
            "milestone_done",
            before={"done_on": before.isoformat()} if before else None,
            after={"milestone": milestone.title, "done_on": on.isoformat()},
            line=(gettext_lazy("marked “%(title)s” done"), {"title": milestone.title}),
        )
        self._touch()
        return milestone

    def milestone_reopen(self, milestone: PlanMilestone) -> PlanMilestone:
        milestone = self._fresh(PlanMilestone, milestone)
        if not may_mark_done(self.actor, milestone, self.plan.partner):
            raise PermissionDenied(_("Only the plan's editors and the milestone's owner may."))
        if milestone.done_on is None:
            return milestone
        before = milestone.done_on
        milestone.done_on = None
        milestone.save(update_fields=["done_on"])
        self.record(
            "milestone_reopened",
            before={"done_on": before.isoformat()},
            after={"milestone": milestone.title, "done_on": None},
            line=(gettext_lazy("reopened “%(title)s”"), {"title": milestone.title}),
        )
        self._touch()
        return milestone

    def milestone_remove(self, milestone: PlanMilestone) -> None:
        self._require_edit()
        milestone = self._fresh(PlanMilestone, milestone)
        self.record(
            "milestone_removed",
            before={
                "milestone": milestone.title,
                "owner": owner_label(milestone.owner),
                "due_on": milestone.due_on.isoformat(),
            },
            line=(gettext_lazy("removed the milestone “%(title)s”"), {"title": milestone.title}),
        )
        milestone.delete()
        self._touch()

    # The audit trail and the other side

    def record(
        self,
        what: str,
        *,
        line: Line,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Audit one change on the plan, naming the side it came from, and keep its line."""
        # Not log_action: each change is audited, but `announce` tells once per edit, for all.
        audit_record(
            tenant=self.plan.tenant,
            actor=self.actor.user,
            action=f"partners.plan.{what}",
            obj=self.plan,
            before=before,
            after={**(after or {}), "by": self._side_label()},
            ip=self.ip,
        )
        self.lines.append(line)

    def announce(self) -> None:
        """Tell the other side what changed (one event for all the changes of this edit)."""
        if not self.lines:
            return
        tenant = self.plan.tenant
        with translation.override(tenant.language):
            changes = "; ".join(
                str(message) % {k: _shown(v) for k, v in params.items()}
                for message, params in self.lines
            )
        emit(
            events.PLAN_CHANGED.name,
            tenant=tenant,
            actor=self.actor.user,
            subject=self.plan,
            data={
                "partner": self.plan.partner.name,
                "partner_id": self.plan.partner_id,
                "year": self.plan.year,
                "changes": changes,
                "side": "vendor" if self.actor.is_vendor_staff else "partner",
            },
        )
        self.lines = []

    # Checks

    def _require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied(_("You may not change this plan."))

    def _fresh(self, model: Any, obj: Any) -> Any:
        """The row as it is now, under the plan's lock; another plan's row is refused."""
        fresh = model.objects.filter(pk=obj.pk, plan_id=self.plan.pk)
        if model is PlanMilestone:
            fresh = fresh.select_related("owner__user")
        found = fresh.first()
        if found is None:
            raise PermissionDenied(_("That is not part of this plan (any more)."))
        return found

    def _check_goal(self, *, metric: str, target: Decimal, goal: PlanGoal | None = None) -> None:
        errors: dict[str, str] = {}
        if metric_or_none(metric) is None:
            errors["metric"] = _("Choose one of the metrics of the list.")
        else:
            others = PlanGoal.objects.filter(plan_id=self.plan.pk, metric=metric)
            if goal is not None:
                others = others.exclude(pk=goal.pk)
            if others.exists():
                errors["metric"] = _(
                    "The plan has a goal on %(metric)s already: change its target instead."
                ) % {"metric": goal_label(metric)}
        if target is None or target <= 0:
            errors["target"] = _("The target must be more than 0.")
        if errors:
            raise ValidationError(errors)

    def _check_milestone(
        self, *, title: str, owner: Membership, current: PlanMilestone | None = None
    ) -> None:
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = _("Say what the milestone is.")
        unchanged = current is not None and current.owner_id == owner.pk
        if (
            not unchanged
            and not owner_choices(partner=self.plan.partner).filter(pk=owner.pk).exists()
        ):
            errors["owner"] = _(
                "The owner must be a user of the partner company or one of its account managers."
            )
        if errors:
            raise ValidationError(errors)

    def _side_label(self) -> str:
        """The side in words: "Partner admin, Northwind Solutions" or "Channel account manager,
        Acme Cloud"."""
        company = self.plan.partner.name if self.actor.partner_id else self.plan.tenant.name
        with translation.override(self.plan.tenant.language):
            return f"{self.actor.get_role_display()}, {company}"

    def _touch(self) -> None:
        # The list of plans shows when each was last changed, goals and milestones included.
        self.plan.save(update_fields=["updated_at"])


def _num(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _note(note: str) -> dict[str, str]:
    return {"note": note} if note else {}


def _name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.email


def _plain(field: str, value: Any) -> Any:
    """A JSON-safe form of a field's value for the audit trail."""
    if isinstance(value, Membership):
        return owner_label(value)
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, date):
        return value.isoformat()
    if field == "metric":
        return goal_label(value)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return format_day(value)
    return str(value)


# -- Overdue milestones ---------------------------------------------------------------------


def milestone_overdue_notify(*, milestone: PlanMilestone) -> None:
    """Tell the milestone's owner, the partner's admins and its CAMs that it is overdue. The
    reminder sweep (`reminders`) calls this once per milestone."""
    plan = milestone.plan
    tenant = plan.tenant
    with transaction.atomic(), translation.override(tenant.language):
        emit(
            events.PLAN_MILESTONE_OVERDUE.name,
            tenant=tenant,
            subject=milestone,
            data={
                "partner": plan.partner.name,
                "partner_id": plan.partner_id,
                "year": plan.year,
                "milestone": milestone.title,
                "due": format_day(milestone.due_on),
                "owner": _name(milestone.owner),
            },
        )
