"""What owners do with an alert: acknowledge it, snooze it until a day; and which alerts a
member sees.

Both actions go through the alert's `Workflow` (row lock, refusal in words, audit + event), and
write a line of the alert's history. Opening and resolving are the sweep's (`sweep.py`), in bulk.
"""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.exchange.services import tenant_today
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners
from prm.workflow import Action, Workflow

from .. import notifications
from ..models import Alert, AlertEvent

S = Alert.State
MAX_NOTE = 300
#: the longest snooze
MAX_SNOOZE_DAYS = 90

ALERTS: Workflow[Alert] = Workflow(
    Alert,
    [
        Action("acknowledge", gettext_lazy("acknowledged"), {S.OPEN}, S.ACKNOWLEDGED),
        Action("snooze", gettext_lazy("snoozed"), {S.OPEN, S.ACKNOWLEDGED}, None),
    ],
    refusal=gettext_lazy("An alert that is %(status)s cannot be %(verb)s."),
    field="state",
    describe=notifications.alert_event_data,
)


def alerts_visible_to(membership: Membership) -> QuerySet[Alert]:
    """Leaders and partner operations (`reporting.alerts.manage`): every alert of the tenant.
    Anyone else: the alerts they own, about a partner they may see (or about no partner)."""
    alerts = Alert.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("reporting.alerts.manage"):
        return alerts
    if not membership.can("reporting.alerts.view"):
        return alerts.none()
    return alerts.filter(owner_ids__contains=[membership.pk]).filter(
        Q(partner__isnull=True) | Q(partner__in=visible_partners(membership))
    )


def may_act(membership: Membership, alert: Alert) -> bool:
    """Owners act on their alerts; leaders and partner operations on any."""
    return membership.can("reporting.alerts.manage") or membership.pk in alert.owner_ids


def _authorize(actor: Membership) -> Callable[[Alert], None]:
    def check(alert: Alert) -> None:
        if not may_act(actor, alert):
            raise PermissionDenied(_("Only the alert's owners act on it."))

    return check


def _history(alert: Alert, kind: str, actor: Membership, note: str = "") -> None:
    AlertEvent.objects.create(
        tenant_id=alert.tenant_id,
        alert=alert,
        kind=kind,
        at=timezone.now(),
        value=alert.value,
        by=actor,
        note=note[:MAX_NOTE],
    )


def alert_acknowledge(*, actor: Membership, alert: Alert, note: str = "") -> Alert:
    """Acknowledge an open alert: its owners know; it stays open (no weekly reminder) until
    the sweep resolves it."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note under %(n)s characters.") % {"n": MAX_NOTE}}
        )
    with transaction.atomic():
        return ALERTS.transition(
            alert,
            "acknowledge",
            actor=actor.user,
            authorize=_authorize(actor),
            changes={"acknowledged_by": actor, "acknowledged_at": timezone.now()},
            prepare=lambda row: _history(row, AlertEvent.Kind.ACKNOWLEDGED, actor, note),
            reason=note,
            event=notifications.ALERT_ACKNOWLEDGED,
            data={"note": note},
        )


def snooze_problems(until: date | None, today: date) -> dict[str, str]:
    if until is None:
        return {"until": _("Choose the day until which the alert sleeps.")}
    if until <= today:
        return {"until": _("Choose a day after today.")}
    if (until - today).days > MAX_SNOOZE_DAYS:
        return {"until": _("Snooze for at most %(n)s days.") % {"n": MAX_SNOOZE_DAYS}}
    return {}


def alert_snooze(*, actor: Membership, alert: Alert, until: date) -> Alert:
    """Snooze an open alert until a day: no reminder until then (it still resolves, and a
    later crossing still fires)."""
    today = tenant_today(actor.tenant)
    if problems := snooze_problems(until, today):
        raise ValidationError(problems)
    from deals.events import tenant_day

    with transaction.atomic():
        return ALERTS.transition(
            alert,
            "snooze",
            actor=actor.user,
            authorize=_authorize(actor),
            changes={"snoozed_until": until},
            prepare=lambda row: _history(
                row, AlertEvent.Kind.SNOOZED, actor, tenant_day(actor.tenant, until)
            ),
            after={"snoozed_until": until.isoformat()},
            event=notifications.ALERT_SNOOZED,
            data={"until": tenant_day(actor.tenant, until)},
        )
