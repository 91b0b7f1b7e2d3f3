"""State machines: each declared once as a table of actions, each move made by one call.

A tenant-owned object with a status (a deal registration, a lead, an MDF request or claim, a
commission statement) moves between statuses only through its app's `Workflow`. The app declares
the table once, in its `workflow.py`:

    from django.utils.translation import gettext_lazy

    from prm.workflow import Action, Workflow

    S = MdfRequest.Status
    REQUESTS = Workflow(
        MdfRequest,
        [
            Action("edit", gettext_lazy("changed"), {S.DRAFT, S.INFO_REQUESTED}, None),
            Action("submit", gettext_lazy("submitted"), {S.DRAFT, S.INFO_REQUESTED}, S.SUBMITTED),
            Action("approve", gettext_lazy("approved"), {S.SUBMITTED}, S.APPROVED),
            Action("request_info", gettext_lazy("sent back"), {S.SUBMITTED}, S.INFO_REQUESTED),
            Action("reject", gettext_lazy("rejected"), {S.SUBMITTED}, S.REJECTED),
        ],
        refusal=gettext_lazy("A request that is %(status)s cannot be %(verb)s."),
        describe=request_event_data,  # the placeholders every request event offers
    )

Views ask `REQUESTS.allowed(mdf_request, "approve")` to decide which buttons to show. A service
validates its input, then makes the move in one call inside its transaction:

    def mdf_request_approve(*, actor, mdf_request, amount, note=""):
        if amount <= 0:
            raise ValidationError({"amount": _("Approve a positive amount.")})
        with transaction.atomic():
            return REQUESTS.transition(
                mdf_request,
                "approve",
                actor=actor.user,
                authorize=lambda r: require_decider(actor, r),  # PermissionDenied
                prepare=lambda r: commit_funds(r, amount),  # locks the allocation, may refuse
                changes={"approved_amount": amount, "decision_note": note},
                reason=note,
                after={"approved_amount": str(amount)},
                event=events.REQUEST_APPROVED,
                data={"approved": format_money(amount, mdf_request.currency)},
            )

`transition` does, in this order, under the object's row lock (`SELECT ... FOR UPDATE`, found by
primary key and tenant):

1. `authorize(row)`: who may act on the row as it is now (raise `PermissionDenied`);
2. the action must be allowed from the row's status, else `TransitionError`, a sentence a person
   understands ("A request that is approved cannot be rejected.");
3. `prepare(row)`: what only the locked row can tell: refuse with `ValidationError`, take
   further locks, set computed fields, write rows that belong to the move;
4. the status becomes the action's target (from the table; None keeps it), then `changes`;
5. `save(row)` (default: `row.save()`), e.g. to turn an `IntegrityError` into a message;
6. one `prm.notifications.log.log_action`: the audit event (the status before and after, the
   reason, `after`) and the named event (`describe(row)` updated with `data`).

Anything raised before step 6 leaves the row as it was, audits nothing and tells nobody, once the
caller's transaction rolls back (let the exception leave `transaction.atomic()`). A beat job that
moves many rows locks each with `lock_for_sweep` first, which skips rows another transaction holds
or that are no longer due, then calls `transition`.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from prm.audit.services import audit_record
from prm.notifications.events import EventType
from prm.notifications.log import log_action
from prm.tenancy.models import TenantOwned

if TYPE_CHECKING:  # the user model lives in prm.accounts, which imports this module
    from prm.accounts.models import User

M = TypeVar("M", bound=TenantOwned)


@dataclass(frozen=True)
class Action:
    """One row of a state machine's table."""

    #: what services and views call it: "approve"
    name: str
    #: the past participle a refusal uses: "approved", for "... cannot be approved."
    verb: str | Promise
    #: the statuses it may start from
    sources: Collection[str]
    #: the status it moves to; None when it keeps the status (an edit, an extension request)
    target: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))


class TransitionError(ValidationError):
    """The object's status does not allow the action; nothing was changed."""


def lock_row(obj: M) -> M:
    """The object's row, locked until the transaction ends, as it is now.

    Found by primary key and tenant, so another tenant's row is never locked or returned. Call it
    inside `transaction.atomic()` (Django refuses `select_for_update` outside one).
    """
    row: M = type(obj).objects.select_for_update().get(pk=obj.pk, tenant_id=obj.tenant_id)
    return row


def _values(
    given: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None, row: M
) -> dict[str, Any]:
    if given is None:
        return {}
    return dict(given(row) if callable(given) else given)


class Workflow(Generic[M]):
    """The state machine of one model: its actions, and the call that makes a move.

    `refusal` is the sentence of a `TransitionError`, with `%(status)s` (the status's label, in
    lower case) and `%(verb)s` (the action's verb). `describe(obj)` gives the data every event of
    this workflow carries (placeholders of notification texts, ids recipients are found by).
    `field` names the status field; its choices must include every status of the table.
    """

    def __init__(
        self,
        model: type[M],
        actions: Iterable[Action],
        *,
        refusal: str | Promise,
        describe: Callable[[M], Mapping[str, Any]] | None = None,
        field: str = "status",
    ) -> None:
        table: dict[str, Action] = {}
        for action in actions:
            if action.name in table:
                raise ValueError(f"{model.__name__}: the action {action.name!r} is declared twice")
            table[action.name] = action
        choices = getattr(model._meta.get_field(field), "flatchoices", None) or []
        labels = dict(choices)
        named = {s for a in table.values() for s in (*a.sources, a.target) if s is not None}
        if unknown := named - labels.keys():
            raise ValueError(f"{model.__name__}.{field} has no status {sorted(unknown)}")
        self.model = model
        self.field = field
        self.refusal = refusal
        self.describe = describe
        #: the table, by action name
        self.actions: Mapping[str, Action] = MappingProxyType(table)
        self._labels = labels

    def status_of(self, obj: M) -> str:
        value: str = getattr(obj, self.field)
        return value

    def allowed(self, obj: M, action: str) -> bool:
        """Whether the object's status allows the action (for the buttons a page shows)."""
        return self.status_of(obj) in self.actions[action].sources

    def require(self, obj: M, action: str) -> Action:
        """The action, or `TransitionError` saying why the object's status does not allow it."""
        found = self.actions[action]
        status = self.status_of(obj)
        if status not in found.sources:
            label = str(self._labels.get(status, status)).lower()
            raise TransitionError(str(self.refusal) % {"status": label, "verb": found.verb})
        return found

    def lock_for_sweep(
        self, obj: M, action: str, *, due: Callable[[M], bool] | None = None
    ) -> M | None:
        """For beat jobs: the object's row, locked, if it is free and still due for the action.

        A row another transaction holds is skipped (`SKIP LOCKED`: it is being changed; the next
        sweep sees it again), as is one whose status no longer allows the action or that `due`
        refuses. Returns None for those; pass what it returns to `transition`.
        """
        row: M | None = (
            type(obj)
            .objects.select_for_update(skip_locked=True)
            .filter(pk=obj.pk, tenant_id=obj.tenant_id)
            .first()
        )
        if row is None or not self.allowed(row, action) or (due is not None and not due(row)):
            return None
        return row

    def transition(
        self,
        obj: M,
        action: str,
        *,
        actor: "User | None",
        event: EventType | None,
        data: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        authorize: Callable[[M], None] | None = None,
        prepare: Callable[[M], None] | None = None,
        save: Callable[[M], None] | None = None,
        after: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
        audit: str = "",
        silent_from: Collection[str] = (),
    ) -> M:
        """Move `obj` by `action`, inside the caller's transaction; return the saved row.

        The steps and their order are in the module's docstring. `actor` is the user who acts
        (None for the system). `event` is announced with `describe(row)` updated with `data`;
        None announces nothing. The audit action is `audit`, else the event's name. From a status
        in `silent_from` the move is audited but not announced (a draft nobody else saw).
        `data` and `after` are values, or functions of the saved row (to report what `prepare`
        computed). `changes` are set after `prepare` and win over what it set.

        Raises `TransitionError` (the status does not allow the action), and whatever the hooks
        raise (`PermissionDenied`, `ValidationError`); then nothing of the move was written.
        """
        if event is None and not audit:
            raise ValueError("A move that announces no event needs its audit action (`audit`).")
        row = lock_row(obj)
        if authorize is not None:
            authorize(row)
        step = self.require(row, action)
        before = self.status_of(row)
        if prepare is not None:
            prepare(row)
        if step.target is not None:
            setattr(row, self.field, step.target)
        for name, value in (changes or {}).items():
            setattr(row, name, value)
        if save is not None:
            save(row)
        else:
            row.save()
        audited_before = {self.field: before}
        audited_after = {self.field: self.status_of(row), **_values(after, row)}
        if event is None or before in silent_from:
            audit_record(
                tenant=row.tenant,
                actor=actor,
                action=audit or (event.name if event is not None else ""),
                obj=row,
                before=audited_before,
                after=audited_after,
                reason=reason,
            )
        else:
            described = dict(self.describe(row)) if self.describe is not None else {}
            log_action(
                event=event,
                tenant=row.tenant,
                actor=actor,
                obj=row,
                data={**described, **_values(data, row)},
                action=audit,
                before=audited_before,
                after=audited_after,
                reason=reason,
            )
        return row
