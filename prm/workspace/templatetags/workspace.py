"""Template helpers of the admin UI: `{% load workspace %}`."""

from typing import Any

from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from prm.audit.models import AuditEvent
from prm.audit.sentences import Sentence, describe

register = template.Library()


@register.filter
def sentence(event: AuditEvent) -> Sentence:
    """The audit event as a sentence, with the changes it does not say and its reason."""
    return describe(event)


@register.simple_tag
def active_filters(cl: Any) -> list[dict[str, str]]:
    """The filters a list applies, as (title, choice, link that removes it), for the bar above
    the list: with the filter panel closed, the member still sees what the list is narrowed to.
    A filter's "All" is no filter; a filter whose default is a choice (the registration queue's
    "Waiting for a decision") is one."""
    shown = []
    for spec in cl.filter_specs:
        if not spec.has_output():
            continue
        for choice in spec.choices(cl):
            if not choice.get("selected") or str(choice.get("display")) == str(_("All")):
                continue
            # A choice the list applies by default (no parameter) cannot be removed.
            removable = bool(getattr(spec, "used_parameters", None))
            shown.append(
                {
                    "title": capfirst(str(spec.title)),
                    "choice": str(choice["display"]),
                    "remove": cl.get_query_string(remove=spec.expected_parameters())
                    if removable
                    else "",
                }
            )
            break
    return shown
