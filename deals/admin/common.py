"""Small helpers the deal registration admin pages share: object ids and badges (the SLA clock
and its wording are `prm.sla`)."""

from dataclasses import dataclass

from django.http import Http404

from prm.filters import parse_id


@dataclass(frozen=True)
class Badge:
    """A coloured label, worked out in Python and placed by a template (see
    `prm.workspace.ui.badge` for the kinds)."""

    kind: str
    text: str
    title: str = ""


def object_pk(object_id: str) -> int:
    """The primary key in an admin URL (`<path:object_id>`, as the model admin's own URLs have
    it); anything else is a missing object (404)."""
    pk = parse_id(object_id)
    if pk is None:
        raise Http404
    return pk
