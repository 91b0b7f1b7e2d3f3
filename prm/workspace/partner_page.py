"""The partner page ("partner 360"): everything vendor staff know about one partner company.

The page belongs to no app: each app adds the sections it knows from its `AppConfig.ready()`,

    register_partner_section(deals_section, capability="deals.view", order=20)

and the page shows, in `order`, the sections of every provider whose capability the member
holds. A provider gets the partner (already resolved through the member's visible partners:
a CAM reaches only the partners assigned to them) and the viewing `Membership`, and returns a
`PartnerSection` or None when it has nothing to say about this partner. A section sits in the
main column or the side column; its template renders `section.context` as `s`.

The page's "Recent activity" is the core's own section: the audit events about the partner and
about the rows apps declare as the partner's (`register_partner_activity`: its deals, its
business plans...), as sentences (`prm.audit.sentences`), newest first.

A provider reads with a fixed number of queries: the page's budget is asserted at two data sizes
(`tests/test_workspace_budgets.py`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.audit.models import AuditEvent
from prm.tenancy.models import Membership
from prm.tenancy.providers import Providers


@dataclass(frozen=True)
class PartnerSection:
    key: str
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    column: Literal["main", "side"] = "main"
    #: (label, url) of the pages where the section's subject is worked on
    links: Sequence[tuple[str | Promise, str]] = ()


SectionProvider = Callable[[Any, Membership], PartnerSection | None]
#: the partner -> rows (of one model) whose audit events belong on the partner's page
ActivitySource = Callable[[Any], QuerySet[Any]]


_SECTIONS: Providers[SectionProvider] = Providers()
_ACTIVITY: list[ActivitySource] = []


def register_partner_section(
    provider: SectionProvider, *, capability: str | None = None, order: int = 500
) -> None:
    """Show `provider`'s section on the partner page, by `order`, to members with `capability`."""
    _SECTIONS.register(provider, capability=capability, order=order)


def register_partner_activity(source: ActivitySource) -> None:
    """Count the audit events of the rows `source(partner)` returns as the partner's activity."""
    if source not in _ACTIVITY:
        _ACTIVITY.append(source)


def partner_sections(partner: Any, membership: Membership) -> list[PartnerSection]:
    """The sections this member sees on the partner's page, in order."""
    return [
        section
        for provider in _SECTIONS.for_member(membership)
        if (section := provider(partner, membership)) is not None
    ]


def _about(model: type[Model], ids: QuerySet[Any]) -> Q:
    """Audit events whose object is one of `ids` (a values("pk") queryset) of `model`."""
    return Q(
        object_type=ContentType.objects.get_for_model(model),
        object_id__in=ids.order_by().annotate(key=Cast("pk", CharField())).values("key"),
    )


def partner_activity(partner: Any, *, limit: int = 15) -> QuerySet[AuditEvent]:
    """The latest audit events about the partner and its rows, newest first (one query)."""
    about = [Q(object_type=ContentType.objects.get_for_model(partner), object_id=str(partner.pk))]
    for source in _ACTIVITY:
        rows = source(partner)
        about.append(_about(rows.model, rows.values("pk")))
    return (
        AuditEvent.objects.filter(tenant_id=partner.tenant_id)
        .filter(reduce(or_, about))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def activity_section(partner: Any, membership: Membership) -> PartnerSection:
    """The core's section: what happened to the partner lately, as sentences."""
    return PartnerSection(
        key="activity",
        title=_("Recent activity"),
        template="admin/prm/partner_page/activity.html",
        context={"events": list(partner_activity(partner))},
        links=[
            (
                _("Full history of the company"),
                reverse(
                    f"admin:{partner._meta.app_label}_{partner._meta.model_name}_history",
                    args=[partner.pk],
                ),
            )
        ],
    )
