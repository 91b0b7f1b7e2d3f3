"""Notification rules: per event, who is told what, in-portal and by email.

Rules are defined in code next to the events they answer (`<app>/notifications.py`) and apply in
every tenant until the tenant switches one off or edits its texts (`RuleSetting`). Texts are
plain strings with `{placeholders}`; they are validated when edited and escaped when shown.

A rule may also carry what the person who acted wrote (`message`: the name of the event's data
that holds it, such as a CAM's note on an approval). It is not part of the rule's text, which a
tenant may edit, but shown apart, quoted and signed, in the notification and its email.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from string import Formatter
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from prm.tenancy.models import Membership, partner_model
from prm.tenancy.roles import Role

from . import outbox
from .events import Event, event_type
from .models import Delivery, Notification, NotificationPreference, RuleSetting

#: placeholders every rule may use
STANDARD_PLACEHOLDERS = ("actor", "portal", "vendor")

Recipients = Callable[[Event], Iterable[Membership]]
Link = Callable[[Event, Membership], str]


@dataclass(frozen=True)
class Rule:
    key: str
    event: str
    description: str | Promise
    recipients: tuple[str, ...]
    title: str | Promise
    body: str | Promise
    category: str
    email: bool = True
    link: Link | None = None
    #: whether the member who acted is told too (usually not: they know what they did)
    include_actor: bool = False
    #: the placeholder holding the acting person's own words to the recipients (a decision's
    #: note), shown quoted under the text with their name; "" when the rule quotes nobody
    message: str = ""

    @property
    def placeholders(self) -> tuple[str, ...]:
        return STANDARD_PLACEHOLDERS + event_type(self.event).placeholders


_RULES: dict[str, Rule] = {}
_RESOLVERS: dict[str, Recipients] = {}


def register_recipients(name: str, resolver: Recipients) -> None:
    """Name a way of finding recipients (`"inviter"`, `"partner_admins"`, ...) for rules."""
    _RESOLVERS[name] = resolver


def register_rule(rule: Rule) -> None:
    unknown = set(rule.recipients) - _RESOLVERS.keys()
    if unknown:
        raise ValueError(f"Rule {rule.key}: unknown recipients {unknown}")
    validate_text(str(rule.title), rule.placeholders)
    validate_text(str(rule.body), rule.placeholders)
    if rule.message and rule.message not in rule.placeholders:
        raise ValueError(f"Rule {rule.key}: its message {rule.message!r} is not a placeholder")
    _RULES[rule.key] = rule


def all_rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.key)


def rule(key: str) -> Rule:
    return _RULES[key]


def validate_text(text: str, allowed: Iterable[str]) -> None:
    """Refuse placeholders the rule does not offer, and any attribute or index access in them."""
    allowed = set(allowed)
    try:
        fields = [f for _lit, f, _spec, _conv in Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise ValidationError(_("Unbalanced braces: write {{ and }} for literal braces.")) from exc
    bad = sorted({f or "{}" for f in fields if f not in allowed})
    if bad:
        raise ValidationError(
            _("Unknown placeholder(s): %(bad)s. Available: %(allowed)s.")
            % {
                "bad": ", ".join(f"{{{b}}}" for b in bad),
                "allowed": ", ".join(f"{{{a}}}" for a in sorted(allowed)),
            }
        )


def render(text: str, values: dict[str, str]) -> str:
    # Only plain names reach here (validate_text), so format_map cannot reach attributes.
    return text.format_map(values)


def _values(event: Event) -> dict[str, str]:
    actor = event.actor
    actor_name = (actor.get_full_name() or actor.email) if actor is not None and actor.pk else ""
    values = {
        "actor": actor_name,
        "portal": event.tenant.portal_title or event.tenant.name,
        "vendor": event.tenant.name,
    }
    values.update({k: str(event.data.get(k, "")) for k in event.type.placeholders})
    return values


def _recipients(rule: Rule, event: Event) -> list[Membership]:
    seen: dict[int, Membership] = {}
    for name in rule.recipients:
        for membership in _RESOLVERS[name](event):
            # An API key's membership acts but is told nothing: nobody reads its notifications.
            if (
                membership.is_active
                and membership.tenant_id == event.tenant.pk
                and membership.role != Role.INTEGRATION
            ):
                seen.setdefault(membership.user_id, membership)
    actor_id = getattr(event.actor, "pk", None)
    return [m for uid, m in seen.items() if rule.include_actor or uid != actor_id]


def apply(event: Event) -> None:
    """Write the notifications and emails the tenant's rules call for (in emit()'s transaction)."""
    rules = [r for r in _RULES.values() if r.event == event.name]
    if not rules:
        return
    tenant = event.tenant
    settings = {
        s.rule: s
        for s in RuleSetting.objects.filter(tenant=tenant, rule__in=[r.key for r in rules])
    }
    values = _values(event)
    now = timezone.now()
    subject = _subject_of(event)
    with translation.override(tenant.language):
        for rule in rules:
            setting = settings.get(rule.key)
            if setting is not None and not setting.enabled:
                continue
            recipients = _recipients(rule, event)
            if not recipients:
                continue
            title = render((setting and setting.title) or str(rule.title), values)
            body = render((setting and setting.body) or str(rule.body), values)
            message = values.get(rule.message, "").strip() if rule.message else ""
            notifications = [
                Notification(
                    tenant=tenant,
                    recipient_id=m.user_id,
                    event=event.name,
                    rule=rule.key,
                    category=rule.category,
                    title=title[:200],
                    body=body,
                    message=message,
                    message_by=values["actor"][:200] if message else "",
                    link=rule.link(event, m) if rule.link else "",
                    **subject,
                    created_at=now,
                )
                for m in recipients
            ]
            Notification.objects.bulk_create(notifications)
            if rule.email:
                _queue_emails(rule, event, notifications, recipients)


def _subject_of(event: Event) -> dict[str, Any]:
    """The notification's reference to what the event was about (none without a subject)."""
    if event.subject is None or event.subject.pk is None:
        return {}
    return {
        "subject_type": ContentType.objects.get_for_model(event.subject),
        "subject_id": str(event.subject.pk),
    }


def _queue_emails(
    rule: Rule, event: Event, notifications: list[Notification], recipients: list[Membership]
) -> None:
    chosen = dict(
        NotificationPreference.objects.filter(
            tenant=event.tenant, category=rule.category, user_id__in=[m.user_id for m in recipients]
        ).values_list("user_id", "delivery")
    )
    for notification, membership in zip(notifications, recipients, strict=True):
        delivery = chosen.get(membership.user_id, Delivery.IMMEDIATE)
        if delivery == Delivery.PORTAL:
            continue
        outbox.notification_email_enqueue(
            notification=notification,
            user=membership.user,
            held=delivery == Delivery.DIGEST,
        )


# Recipients every app can use. Apps register their own (inviter, assigned CAMs...) likewise.


def _actor(event: Event) -> Iterable[Membership]:
    if getattr(event.actor, "pk", None) is None:
        return []
    return Membership.objects.filter(tenant=event.tenant, user=event.actor).select_related("user")


def _role(role: str) -> Recipients:
    def resolve(event: Event) -> Iterable[Membership]:
        return Membership.objects.filter(
            tenant=event.tenant, role=role, is_active=True
        ).select_related("user")

    return resolve


def _partner_admins(event: Event) -> Iterable[Membership]:
    partner_id = event.data.get("partner_id") or getattr(event.subject, "partner_id", None)
    if partner_id is None and isinstance(event.subject, partner_model()):
        partner_id = event.subject.pk  # the event is about the partner company itself
    if not partner_id:
        return []
    return Membership.objects.filter(
        tenant=event.tenant, partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True
    ).select_related("user")


register_recipients("actor", _actor)
register_recipients("program_leaders", _role(Role.PROGRAM_LEADER))
register_recipients("partner_ops", _role(Role.PARTNER_OPS))
register_recipients("partner_admins", _partner_admins)
