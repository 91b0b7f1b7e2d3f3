"""The list filters of the registrations queue."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Deal, DealExtension

#: the status filter's value that shows every status
ALL = "all"
#: the queue's default: registrations waiting for a vendor decision
WAITING = Deal.Status.SUBMITTED


class DealStatusFilter(admin.SimpleListFilter):
    """The CAM's queue: the list opens on the registrations waiting for a decision."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        labels = {WAITING: _("Waiting for a decision")}
        shown = [s for s in Deal.Status if s != Deal.Status.DRAFT]
        return [(s.value, labels.get(s, s.label)) for s in shown] + [(ALL, _("All"))]

    def value(self) -> str:
        return super().value() or WAITING

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deal]) -> QuerySet[Deal]:
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


#: a registration recorded as a conflict: another one held the customer when it was submitted
#: (the registration that held it is "contested" while the later one waits)
CONFLICT = Q(conflict_with__isnull=False, holds_claim=False)


class MatchFilter(admin.SimpleListFilter):
    title = _("conflict")
    parameter_name = "match"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("conflict", _("Conflict")),
            ("contested", _("Contested by a later registration")),
            ("possible", _("Possible match")),
            ("clear", _("No match")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deal]) -> QuerySet[Deal]:
        if self.value() == "conflict":
            return queryset.filter(CONFLICT)
        # match_count, contested: DealAdmin.get_queryset's annotations (in Q: not fields)
        if self.value() == "contested":
            return queryset.filter(Q(contested=True))
        if self.value() == "possible":
            return queryset.exclude(CONFLICT).filter(Q(contested=False, match_count__gt=0))
        if self.value() == "clear":
            return queryset.exclude(CONFLICT).filter(Q(contested=False, match_count=0))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("decision target")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Within target"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deal]) -> QuerySet[Deal]:
        overdue = Q(status=Deal.Status.SUBMITTED, sla_due_at__lte=timezone.now())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


#: the extension filter's value: approved registrations with an extension request to decide
EXTENSION_PENDING = "pending"


class ExtensionFilter(admin.SimpleListFilter):
    """Approved registrations whose partner asked for a longer protection (the staff home
    links here)."""

    title = _("extension")
    parameter_name = "extension"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(EXTENSION_PENDING, _("Requested, to decide"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deal]) -> QuerySet[Deal]:
        if self.value() == EXTENSION_PENDING:
            pending = DealExtension.objects.filter(status=DealExtension.Status.PENDING)
            return queryset.filter(pk__in=pending.values("deal_id"))
        return queryset
