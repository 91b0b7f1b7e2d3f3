"""The events of KPI alerts and who is told what (`prm.notifications`: events, rules, the
member's delivery preference and the daily digest; no mailer of its own).

An alert is told to its owners (fixed when it opened: the partner's CAMs, a named person or the
program leaders) on the rule's channel: in the app only, in the app and by email (the member's
delivery choice for "KPI alerts" still applies: at once, in the digest, or not by email), or in
the app and in the daily digest. A resolved alert and the weekly reminder are told in the app.
"""

from collections.abc import Callable, Iterable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from deals.events import tenant_day
from prm.figures import format_percent
from prm.metrics import registry
from prm.notifications import outbox
from prm.notifications.categories import declare_category
from prm.notifications.events import Event, declare
from prm.notifications.log import log_action
from prm.notifications.models import Delivery, Notification, NotificationPreference
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

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
    def resolve(event: Event) -> Iterable[Membership]:
        alert = event.subject
        if not isinstance(alert, Alert) or alert.rule.channel not in channels:
            return []
        return Membership.objects.filter(
            tenant=event.tenant, pk__in=alert.owner_ids, is_active=True
        ).select_related("user")

    return resolve


C = AlertRule.Channel
register_recipients("alert_owners", _owners(C.IN_APP, C.EMAIL, C.DIGEST))
register_recipients("alert_owners_in_app", _owners(C.IN_APP, C.DIGEST))
register_recipients("alert_owners_email", _owners(C.EMAIL))


def _alert_page(event: Event, recipient: Membership) -> str:
    try:
        return reverse("admin:reporting_alert_change", args=[event.subject.pk])  # type: ignore[union-attr]
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


def _announce(event: object, alert: Alert) -> None:
    log_action(
        event=event,  # type: ignore[arg-type]
        tenant=alert.tenant,
        actor=None,
        obj=alert,
        data=alert_event_data(alert),
        after={"state": alert.state, "value": shown_value(alert, alert.value)},
    )


def alert_fired(alert: Alert) -> None:
    """Audit and announce an alert that opened (in the sweep's transaction); a rule whose
    channel is the daily digest also queues the email copies for the digest."""
    _announce(ALERT_FIRED, alert)
    if alert.rule.channel == C.DIGEST:
        queue_digest(alert)


def alert_resolved(alert: Alert) -> None:
    _announce(ALERT_RESOLVED, alert)


def alert_reminded(alert: Alert) -> None:
    _announce(ALERT_REMINDED, alert)


def queue_digest(alert: Alert) -> None:
    """The email copies of an alert's in-app notifications, held for each owner's daily digest
    (`prm.notifications.outbox`: one mailer), except for owners who asked for no KPI-alert
    email."""
    notifications = list(
        Notification.objects.filter(
            tenant_id=alert.tenant_id, rule=FIRED_DIGEST, subject_id=str(alert.pk)
        ).select_related("recipient", "tenant")
    )
    portal_only = set(
        NotificationPreference.objects.filter(
            tenant_id=alert.tenant_id,
            category=CATEGORY,
            delivery=Delivery.PORTAL,
            user_id__in=[n.recipient_id for n in notifications],
        ).values_list("user_id", flat=True)
    )
    for notification in notifications:
        if notification.recipient_id not in portal_only:
            outbox.notification_email_enqueue(
                notification=notification, user=notification.recipient, held=True
            )
