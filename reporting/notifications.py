"""The events of KPI alerts and who is told what (`prm.notifications`: events, rules, the
member's delivery preference and the daily digest; no mailer of its own).

An alert is told to its owners (the partner's CAMs, refreshed by every sweep; a named person;
or the program leaders) on the rule's channel: in the app only, in the app and by email (the
member's delivery choice for "KPI alerts" still applies: at once, in the digest, or not by
email), or in the app and in the daily digest. A resolved alert and the weekly reminder are
told in the app.

A sweep tells each owner once per rule and kind (fired, resolved, reminded), whatever the
number of alerts (`alerts_announce`): one alert keeps its own wording ("Alert: Win rate below
20% — Northwind", linked to the alert); several are one notification, one email, one digest
entry ("12 partners crossed “Win rate below 20%”", linked to the alerts list filtered to the
rule). Each alert still has its own audit record, written in bulk.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from deals.events import tenant_day
from prm.audit.models import AuditEvent
from prm.audit.services import audit_event
from prm.figures import format_percent
from prm.metrics import registry
from prm.notifications import outbox
from prm.notifications.categories import declare_category
from prm.notifications.events import Event, declare, emit
from prm.notifications.models import Delivery, Notification, NotificationPreference
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership, Tenant

from .models import Alert, AlertRule

CATEGORY = "reporting_alerts"
declare_category(CATEGORY, _("KPI alerts"))

_ALERT = ("rule", "subject", "metric", "value", "threshold", "period")
ALERT_FIRED = declare(
    "reporting.alert.fired",
    "A KPI alert rule's condition started holding for a subject (the program, a partner, a "
    "CAM's portfolio): an alert opened.",
    _ALERT,
)
ALERT_RESOLVED = declare(
    "reporting.alert.resolved",
    "An open KPI alert stopped holding (better by the rule's margin, or for the rule's number of "
    "evaluations in a row) and resolved.",
    _ALERT,
)
ALERT_REMINDED = declare(
    "reporting.alert.reminded",
    "A KPI alert has been open for a week without being acknowledged or snoozed.",
    _ALERT,
)
#: several alerts of one rule, told at once to the owners they share (`alerts_announce`)
_ALERTS = ("rule", "subjects", "count", "examples", "metric", "period")
ALERTS_FIRED = declare(
    "reporting.alerts.fired",
    "A sweep opened alerts of one KPI alert rule for several subjects: their owners are told "
    "once, in one notification (each alert is audited as reporting.alert.fired).",
    _ALERTS,
)
ALERTS_RESOLVED = declare(
    "reporting.alerts.resolved",
    "A sweep resolved several alerts of one KPI alert rule: their owners are told once.",
    _ALERTS,
)
ALERTS_REMINDED = declare(
    "reporting.alerts.reminded",
    "Several alerts of one KPI alert rule have been open for a week without being acknowledged "
    "or snoozed: their owners are reminded once.",
    _ALERTS,
)
ALERT_ACKNOWLEDGED = declare(
    "reporting.alert.acknowledged",
    "An owner acknowledged a KPI alert (it stays open until it resolves).",
    (*_ALERT, "note"),
)
ALERT_SNOOZED = declare(
    "reporting.alert.snoozed",
    "An owner snoozed a KPI alert until a day (no reminders until then).",
    (*_ALERT, "until"),
)


def shown_value(alert: Alert, value: object) -> str:
    """A value or threshold of the alert as people read it: a change in percent for change
    rules, else through the metric's own formatter."""
    if value is None:
        return "—"
    rule = alert.rule
    if rule.comparison in (AlertRule.Comparison.DROP, AlertRule.Comparison.RISE):
        return format_percent(value)  # type: ignore[arg-type]
    try:
        metric = registry.get(rule.metric)
    except ValueError:
        return str(value)
    return metric.format(value, currency=alert.tenant.default_currency)  # type: ignore[arg-type]


def alert_event_data(alert: Alert) -> dict[str, object]:
    rule = alert.rule
    try:
        metric = str(registry.get(rule.metric).label)
    except ValueError:
        metric = rule.metric
    threshold = alert.threshold
    comparison = rule.Comparison(rule.comparison)
    if comparison == rule.Comparison.DROP:
        threshold = -threshold if threshold is not None else None
    return {
        "alert_id": alert.pk,
        "partner_id": alert.partner_id,
        "rule": rule.name,
        "subject": alert.subject_label,
        "metric": metric,
        "value": shown_value(alert, alert.value),
        "threshold": shown_value(alert, threshold),
        "period": f"{tenant_day(alert.tenant, alert.period_start)} \N{EN DASH} "
        f"{tenant_day(alert.tenant, alert.period_end)}",
    }


def _owners(*channels: str) -> Callable[[Event], Iterable[Membership]]:
    """The owners an event names (`owner_ids`: those who share its alerts), else the alert's,
    when the rule's channel is one of `channels`."""

    def resolve(event: Event) -> Iterable[Membership]:
        subject = event.subject
        if isinstance(subject, Alert):
            rule, owner_ids = subject.rule, subject.owner_ids
        elif isinstance(subject, AlertRule):
            rule, owner_ids = subject, []
        else:
            return []
        if rule.channel not in channels:
            return []
        return Membership.objects.filter(
            tenant=event.tenant, pk__in=event.data.get("owner_ids", owner_ids), is_active=True
        ).select_related("user")

    return resolve


C = AlertRule.Channel
register_recipients("alert_owners", _owners(C.IN_APP, C.EMAIL, C.DIGEST))
register_recipients("alert_owners_in_app", _owners(C.IN_APP, C.DIGEST))
register_recipients("alert_owners_email", _owners(C.EMAIL))


def _alert_page(event: Event, recipient: Membership) -> str:
    """One alert: its page. Several of a rule: the alerts list, filtered to the rule, the
    state they are in and the recipient's own."""
    subject = event.subject
    try:
        if isinstance(subject, AlertRule):
            query = {"rule": subject.pk, "state__exact": event.data.get("state", ""), "mine": 1}
            return f"{reverse('admin:reporting_alert_changelist')}?{urlencode(query)}"
        return reverse("admin:reporting_alert_change", args=[subject.pk])  # type: ignore[union-attr]
    except NoReverseMatch:
        return ""


def _rule(key: str, event: str, description: object, recipients: tuple[str, ...],
          title: object, body: object, *, email: bool) -> None:  # fmt: skip
    register_rule(
        Rule(
            key=key,
            event=event,
            description=description,  # type: ignore[arg-type]
            recipients=recipients,
            title=title,  # type: ignore[arg-type]
            body=body,  # type: ignore[arg-type]
            category=CATEGORY,
            email=email,
            link=_alert_page,
        )
    )


_FIRED_TITLE = _("Alert: {rule} — {subject}")
_FIRED_BODY = _("{metric} is {value} for {subject} ({period}); the rule's threshold is "
                "{threshold}.")  # fmt: skip
#: the rule whose notifications also go to the daily digest (`queue_digest`)
FIRED_DIGEST = "reporting.alert.fired.tell_owners_digest"
_rule(
    "reporting.alert.fired.tell_owners_email",
    ALERT_FIRED.name,
    _("Tell an alert's owners, in the app and by email, when a rule's condition starts holding "
      "(rules whose channel is email)."),
    ("alert_owners_email",),
    _FIRED_TITLE,
    _FIRED_BODY,
    email=True,
)  # fmt: skip
_rule(
    FIRED_DIGEST,
    ALERT_FIRED.name,
    _("Tell an alert's owners in the app when a rule's condition starts holding (rules whose "
      "channel is in-app or the daily digest; the digest adds it to the day's email)."),
    ("alert_owners_in_app",),
    _FIRED_TITLE,
    _FIRED_BODY,
    email=False,
)  # fmt: skip
_rule(
    "reporting.alert.resolved.tell_owners",
    ALERT_RESOLVED.name,
    _("Tell an alert's owners in the app that it resolved."),
    ("alert_owners",),
    _("Resolved: {rule} — {subject}"),
    _("{metric} is back at {value} for {subject}; the alert is resolved."),
    email=False,
)
_rule(
    "reporting.alert.reminded.tell_owners",
    ALERT_REMINDED.name,
    _("Remind an alert's owners in the app, weekly, of an alert nobody acknowledged or snoozed."),
    ("alert_owners",),
    _("Still open: {rule} — {subject}"),
    _("{metric} is still {value} for {subject} (threshold {threshold}). Acknowledge or snooze "
      "the alert."),
    email=False,
)  # fmt: skip

#: several alerts of a rule at once (one notification per owner per rule per sweep)
FIRED_MANY_DIGEST = "reporting.alerts.fired.tell_owners_digest"
_FIRED_MANY_TITLE = _("{subjects} crossed “{rule}”")
_FIRED_MANY_BODY = _("{metric} crossed the rule's threshold for {examples} ({period}).")
_rule(
    "reporting.alerts.fired.tell_owners_email",
    ALERTS_FIRED.name,
    _("Tell the owners of several alerts of a rule, once, in the app and by email, that its "
      "condition started holding for them (rules whose channel is email)."),
    ("alert_owners_email",),
    _FIRED_MANY_TITLE,
    _FIRED_MANY_BODY,
    email=True,
)  # fmt: skip
_rule(
    FIRED_MANY_DIGEST,
    ALERTS_FIRED.name,
    _("Tell the owners of several alerts of a rule, once, in the app that its condition "
      "started holding for them (rules whose channel is in-app or the daily digest; the digest "
      "adds it to the day's email)."),
    ("alert_owners_in_app",),
    _FIRED_MANY_TITLE,
    _FIRED_MANY_BODY,
    email=False,
)  # fmt: skip
_rule(
    "reporting.alerts.resolved.tell_owners",
    ALERTS_RESOLVED.name,
    _("Tell the owners of several alerts of a rule, once, in the app that they resolved."),
    ("alert_owners",),
    _("Resolved for {subjects}: {rule}"),
    _("{metric} is back for {examples}; their alerts are resolved."),
    email=False,
)
_rule(
    "reporting.alerts.reminded.tell_owners",
    ALERTS_REMINDED.name,
    _("Remind the owners of several alerts of a rule, once, in the app, weekly, of the alerts "
      "nobody acknowledged or snoozed."),
    ("alert_owners",),
    _("Still open for {subjects}: {rule}"),
    _("{metric} is still past the rule's threshold for {examples}. Acknowledge or snooze the "
      "alerts."),
    email=False,
)  # fmt: skip


#: how many subjects a notification about several alerts names
EXAMPLES = 3
#: what each kind of announcement is: the event for one alert, the event for several, the
#: state the alerts list is filtered to
KINDS = {
    "fired": (ALERT_FIRED, ALERTS_FIRED, Alert.State.OPEN),
    "resolved": (ALERT_RESOLVED, ALERTS_RESOLVED, Alert.State.RESOLVED),
    "reminded": (ALERT_REMINDED, ALERTS_REMINDED, Alert.State.OPEN),
}


def alerts_announce(
    *, tenant: Tenant, fired: list[Alert], resolved: list[Alert], reminded: list[Alert]
) -> None:
    """Audit every alert a sweep opened, resolved or reminded about, and tell each owner once
    per rule and kind, in the sweep's transaction.

    Each alert gets its own audit record (the shape `log_action` writes: the event's name, no
    actor, the state and value), all in one insert. The owners who share the same alerts of a
    rule get one event: the alert's own (`reporting.alert.fired`, ...) for one alert, the
    group's (`reporting.alerts.fired`, ...) for several; its notification rules write one
    notification and at most one email per owner. A rule whose channel is the daily digest
    also queues the email copies of what fired for the digest. The alerts' `rule` and `tenant`
    must be loaded (the sweep sets them): nothing here reads per alert.
    """
    if not (fired or resolved or reminded):
        return
    since = timezone.now()
    batches = {"fired": fired, "resolved": resolved, "reminded": reminded}
    # every email links to the tenant's host: its domains read once, not 4 times per email
    prefetch_related_objects([tenant], "domains")
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                tenant=tenant,
                actor=None,
                action=KINDS[kind][0].name,
                obj=alert,
                after={"state": alert.state, "value": shown_value(alert, alert.value)},
            )
            for kind, alerts in batches.items()
            for alert in alerts
        ]
    )
    for kind, alerts in batches.items():
        one, several, state = KINDS[kind]
        for rule, owners, shared in _shared_by_owners(alerts):
            if len(shared) == 1:
                alert = shared[0]
                data = {**alert_event_data(alert), "owner_ids": owners}
                emit(one.name, tenant=tenant, subject=alert, data=data)
            else:
                data = {**_group_data(rule, shared, state), "owner_ids": owners}
                emit(several.name, tenant=tenant, subject=rule, data=data)
    queue_digest(tenant=tenant, fired=fired, since=since)


def _shared_by_owners(alerts: list[Alert]) -> list[tuple[AlertRule, list[int], list[Alert]]]:
    """(rule, owners, their alerts of the rule): each owner's alerts of each rule, and the
    owners who have exactly the same ones together (the program leaders, two CAMs of the same
    partners), so that they share one event."""
    mine: dict[tuple[int, int], list[Alert]] = defaultdict(list)
    for alert in sorted(alerts, key=lambda a: (a.rule.name, a.rule_id, a.subject_label, a.pk)):
        for owner in alert.owner_ids:
            mine[(alert.rule_id, owner)].append(alert)
    shared: dict[tuple[int, tuple[int, ...]], tuple[list[int], list[Alert]]] = {}
    for (rule_id, owner), owned in mine.items():
        key = (rule_id, tuple(a.pk for a in owned))
        shared.setdefault(key, ([], owned))[0].append(owner)
    return [(owned[0].rule, owners, owned) for owners, owned in shared.values()]


def _group_data(rule: AlertRule, alerts: list[Alert], state: str) -> dict[str, object]:
    """What a notification about several alerts of a rule says: how many, which (the first
    few), the metric and the period."""
    n = len(alerts)
    if rule.scope == AlertRule.Scope.CAM:
        subjects = ngettext("%(n)s CAM portfolio", "%(n)s CAM portfolios", n) % {"n": n}
    else:
        subjects = ngettext("%(n)s partner", "%(n)s partners", n) % {"n": n}
    names = ", ".join(a.subject_label for a in alerts[:EXAMPLES])
    if n > EXAMPLES:
        names = gettext("%(names)s and %(n)s more") % {"names": names, "n": n - EXAMPLES}
    first = alert_event_data(alerts[0])
    return {
        "rule": rule.name,
        "subjects": subjects,
        "count": n,
        "examples": names,
        "metric": first["metric"],
        "period": first["period"],
        "state": state,
    }


def queue_digest(*, tenant: Tenant, fired: list[Alert], since: datetime) -> None:
    """The email copies of the in-app notifications about what fired on rules whose channel is
    the daily digest, held for each owner's digest (`prm.notifications.outbox`: one mailer),
    except for owners who asked for no KPI-alert email. One copy per notification: an owner
    told about several alerts at once gets one digest entry."""
    digest = [a for a in fired if a.rule.channel == C.DIGEST]
    if not digest:
        return
    notifications = list(
        Notification.objects.filter(tenant_id=tenant.pk)
        .filter(
            Q(rule=FIRED_DIGEST, subject_id__in=[str(a.pk) for a in digest])
            # about a rule: the ones this sweep wrote (a rule is told about again and again)
            | Q(
                rule=FIRED_MANY_DIGEST,
                subject_id__in=[str(pk) for pk in {a.rule_id for a in digest}],
                created_at__gte=since,
            )
        )
        .select_related("recipient")
    )
    portal_only = set(
        NotificationPreference.objects.filter(
            tenant_id=tenant.pk,
            category=CATEGORY,
            delivery=Delivery.PORTAL,
            user_id__in=[n.recipient_id for n in notifications],
        ).values_list("user_id", flat=True)
    )
    for notification in notifications:
        notification.tenant = tenant  # with its domains, read once
        if notification.recipient_id not in portal_only:
            outbox.notification_email_enqueue(
                notification=notification, user=notification.recipient, held=True
            )
