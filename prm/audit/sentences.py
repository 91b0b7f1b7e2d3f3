"""Audit events as sentences a person reads: "Carla Cam approved DR-000003 Coho Winery".

The audit trail stores codes (`deals.deal.approved`) and the values that changed as JSON; the
history panels, the audit log and the partner page show them through `describe`. Each app
registers, from its `AppConfig.ready()`, a `Phrase` for every audit action it writes:

    register_phrases({
        "deals.deal.approved": Phrase(_("Registration approved"), _("{actor} approved {object}")),
    })

`label` is what the audit log's filter offers; `sentence` may use these placeholders:

- `{actor}`: who acted ("Carla Cam"; "The system" for beat jobs and automatic steps),
- `{object}`: what the event is about (its name when it was recorded),
- `{<key>}` and `{old_<key>}`: a value the event recorded after and before the change, shown as a
  person reads it (a status's label, a date through the house formatter).

Values the sentence does not use are listed under it as changes ("Status: Submitted → Approved");
the reason is shown as typed. An action nobody registered still reads as a sentence, from its code
("Carla Cam: deal registration · exported"); the generic actions every model admin writes
(`<app>.<model>.created`, `.changed`, `.deleted`, `.exported`) read with the model's name.
"""

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.dates import format_day, format_moment
from prm.money import format_money

from .models import AuditEvent


@dataclass(frozen=True)
class Phrase:
    """How one audit action reads: a short `label` and a `sentence` with placeholders."""

    label: str | Promise
    sentence: str | Promise
    #: the sentence when the system acted, where "The system ..." would read badly
    by_system: str | Promise = ""
    #: recorded value -> the sentence when the event recorded it (not empty): an onboarding
    #: step completed by its event reads differently from one a CAM ticked
    when_recorded: Mapping[str, str | Promise] = field(default_factory=dict)
    #: recorded values not worth listing under the sentence (a time the event's own time says)
    hidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One recorded value the sentence does not say: its label, before (or None) and after."""

    label: str
    before: str | None
    after: str


@dataclass(frozen=True)
class Sentence:
    text: str
    changes: list[Change]
    reason: str


_PHRASES: dict[str, Phrase] = {}

#: what the admin writes for any model (`prm.workspace.sites`, `prm.csvio.admin`)
_GENERIC = {
    "created": (gettext_lazy("%(model)s created"), gettext_lazy("{actor} created {object}")),
    "changed": (gettext_lazy("%(model)s changed"), gettext_lazy("{actor} changed {object}")),
    "deleted": (gettext_lazy("%(model)s deleted"), gettext_lazy("{actor} deleted {object}")),
    "exported": (
        gettext_lazy("%(model)s exported"),
        gettext_lazy("{actor} exported the list of %(models)s"),
    ),
}

_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
#: keys recorded as amounts beside a `currency` key
# Recorded amounts: "amount", any "*_amount", and the few older names. The record keeps the
# currency beside them; they are shown together ("$125,000.00").
_AMOUNTS = {"amount", "requested", "actual_spend", "expected_pipeline"}


def _is_amount(key: str) -> bool:
    return key in _AMOUNTS or key.endswith("_amount")


def register_phrases(phrases: Mapping[str, Phrase]) -> None:
    """Say how the audit actions in `phrases` (action -> Phrase) read."""
    _PHRASES.update(phrases)


def phrase_for(action: str) -> Phrase | None:
    """The registered phrase of `action`, or None."""
    return _PHRASES.get(action)


def action_label(action: str) -> str:
    """What the action is called in lists and filters ("Registration approved")."""
    phrase = _PHRASES.get(action)
    if phrase is not None:
        return str(phrase.label)
    generic = _generic(action)
    if generic is not None:
        return generic[0]
    return _from_code(action)


def actor_name(event: AuditEvent) -> str:
    """Who acted: the user's name, else the email recorded, else "The system"."""
    user = event.actor if event.actor_id is not None else None
    if user is not None:
        return user.get_full_name() or user.email
    if event.actor_label and event.actor_label != "system":
        return event.actor_label
    return _("The system")


def describe(event: AuditEvent) -> Sentence:
    """The event as a sentence, the recorded values it does not say, and the reason.

    Reads `event.actor` (select it with the events) and the content type (cached by Django).
    """
    model = _model_of(event)
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    values = {key: _show(model, key, value, after) for key, value in after.items()}
    values.update({f"old_{key}": _show(model, key, value, before) for key, value in before.items()})
    values["actor"] = actor_name(event)
    values["object"] = event.object_repr or _("the program")
    template, used = _template(event, model), set()
    phrase = _PHRASES.get(event.action)
    hidden = set(phrase.hidden) if phrase is not None else set()
    try:
        used = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}
        text = template.format_map(values)
    except (KeyError, IndexError, ValueError):
        # The event lacks a value the sentence names (an older record): say what is known.
        text = _("%(actor)s: %(what)s — %(object)s") % {
            "actor": values["actor"],
            "what": action_label(event.action).lower(),
            "object": values["object"],
        }
    changes = [
        Change(
            label=_label(model, key),
            before=values.get(f"old_{key}") if key in before else None,
            after=values.get(key, "—") if key in after else "—",
        )
        for key in dict.fromkeys([*before, *after])
        if key not in used
        and f"old_{key}" not in used
        and not _is_currency_of_amount(key, after)
        and key not in hidden
        # a value that was empty and stays empty says nothing
        and not (values.get(key, "—") == "—" and values.get(f"old_{key}", "—") == "—")
    ]
    return Sentence(text=text, changes=changes, reason=event.reason)


def _template(event: AuditEvent, model: type[models.Model] | None) -> str:
    phrase = _PHRASES.get(event.action)
    if phrase is not None:
        after = event.after if isinstance(event.after, dict) else {}
        for key, sentence in phrase.when_recorded.items():
            if after.get(key):
                return str(sentence)
        if event.actor_id is None and phrase.by_system:
            return str(phrase.by_system)
        return str(phrase.sentence)
    generic = _generic(event.action, model)
    if generic is not None:
        return generic[1]
    return str(_("{actor}: %(what)s — {object}") % {"what": _from_code(event.action).lower()})


def _generic(action: str, model: type[models.Model] | None = None) -> tuple[str, str] | None:
    """(label, sentence) of the admin's generic actions on any model, or None."""
    app_label, _sep, rest = action.partition(".")
    model_name, _sep, verb = rest.partition(".")
    if verb not in _GENERIC:
        return None
    if model is None:
        try:
            model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
        except ContentType.DoesNotExist:
            model = None
    name = str(model._meta.verbose_name) if model else model_name
    names = str(model._meta.verbose_name_plural) if model else model_name
    label, sentence = _GENERIC[verb]
    return (
        capfirst(str(label) % {"model": name}),
        str(sentence).replace("%(models)s", names),
    )


def _from_code(action: str) -> str:
    """ "partners.onboarding.plan_changed" -> "Onboarding: plan changed" (the words of the code,
    for an action nobody registered a phrase for)."""
    parts = [p.replace("_", " ") for p in action.split(".") if p]
    if len(parts) >= 3:
        return f"{capfirst(parts[-2])}: {parts[-1]}"
    return capfirst(parts[-1]) if parts else ""


def _model_of(event: AuditEvent) -> type[models.Model] | None:
    if event.object_type_id is None:
        return None
    return ContentType.objects.get_for_id(event.object_type_id).model_class()


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    name = getattr(field, "verbose_name", None)
    return capfirst(str(name)) if name else capfirst(key.replace("_", " "))


def _is_currency_of_amount(key: str, values: Mapping[str, Any]) -> bool:
    """The currency is said with the amount it belongs to."""
    return key == "currency" and any(_is_amount(k) for k in values)


def _show(model: type[models.Model] | None, key: str, value: Any, values: Mapping[str, Any]) -> str:
    """A recorded value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_show(model, key, v, values) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_label(None, k)}: {_show(None, k, v, {})}" for k, v in value.items())
    field = _field(model, key)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if _is_amount(key) and isinstance(values.get("currency"), str):
        try:
            return format_money(Decimal(str(value)), values["currency"])
        except InvalidOperation:
            pass
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            return format_moment(moment)
    if isinstance(value, str) and _ISO_DAY.match(value):
        day = parse_date(value)
        if day is not None:
            return format_day(day)
    return str(value)
