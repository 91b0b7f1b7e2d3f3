"""Audit one fact and announce it, in one call (after pretix's `log_action`).

Most things a service does are worth both an audit event (who, when, what changed and why: the
record) and a named event (what handlers above and the tenant's notification rules react to).
`log_action` writes the one and emits the other with the same facts, so that neither is forgotten
and they never disagree on who acted or on what:

    log_action(event=events.CLAIM_PAID, tenant=claim.tenant, actor=actor.user, obj=claim,
               after={"paid": str(claim.paid_amount)}, data=claim_event_data(claim))

The audit action is the event's name unless `action` says otherwise (an approved or declined
extension is audited as `deals.extension.approved` / `.declined` and announced as
`deals.extension.decided`), and the event's subject is the audited object unless `subject` says
otherwise (a partner's accepted agreement is audited on the partner and announced with the
acceptance as its subject). A fact nobody is told about is only audited: call
`prm.audit.services.audit_record` for it. A state change goes through `prm.workflow`, which calls
this for you.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

from prm.audit.models import AuditEvent
from prm.audit.services import audit_record
from prm.tenancy.models import Tenant

from .events import EventType, emit

if TYPE_CHECKING:  # the user model lives in prm.accounts, which imports this module
    from prm.accounts.models import User


def log_action(
    *,
    event: EventType,
    tenant: Tenant,
    actor: "User | None",
    obj: models.Model | None = None,
    subject: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    action: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Audit a fact about `obj` and emit `event` for it, inside the caller's transaction.

    `actor` is the user who acted (None for the system); `obj` is the audited object and the
    event's subject, unless `subject` names another subject. `before`/`after`/`reason`/`ip` go to
    the audit event (see `audit_record`), `data` to the event (the placeholders its notification
    texts use, and the ids its recipients are found by). `action` is the audit action when it
    differs from the event's name.

    The audit event is written first, then the event runs its handlers and the tenant's
    notification rules (`emit`): if the transaction rolls back, neither remains. Raises
    ValueError for an event whose subject belongs to another tenant (nothing is then announced;
    the caller's transaction should roll back).
    """
    audited = audit_record(
        tenant=tenant,
        actor=actor,
        action=action or event.name,
        obj=obj,
        before=dict(before or {}),
        after=dict(after or {}),
        reason=reason,
        ip=ip,
    )
    announced = obj if subject is None else subject
    emit(event.name, tenant=tenant, actor=actor, subject=announced, data=dict(data or {}))
    return audited
