"""The report's filters and sort, read from the query string (`prm.filters.QueryForm`: a value
that is not one of the choices is left out, never a 500)."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from partners.models import Segment, Tier
from prm.filters import IdField, QueryForm
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role

from ..models import Course
from .selectors import COURSE_SORTS, PARTNER_SORTS, ReportFilters

_DATE = {"type": "date"}


def _sorts(keys: Any) -> list[tuple[str, str]]:
    return [("", "")] + [(f"{sign}{key}", f"{sign}{key}") for key in keys for sign in ("", "-")]


class ReportQuery(QueryForm):
    """Course, tier, segment, CAM, partner and period of start; the choices are the tenant's
    (a CAM is not offered other CAMs: they see only their own partners anyway)."""

    course = forms.ChoiceField(label=_("Course"))
    tier = forms.ChoiceField(label=_("Tier"))
    segment = forms.ChoiceField(label=_("Segment"))
    cam = forms.ChoiceField(label=_("CAM"))
    partner = IdField(widget=forms.HiddenInput)
    started_from = forms.DateField(
        label=_("Started from"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    started_to = forms.DateField(
        label=_("to"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    sort = forms.ChoiceField(widget=forms.HiddenInput)

    def __init__(self, query: QueryDict, *, membership: Membership, per_partner: bool) -> None:
        super().__init__(query)
        tenant_id = membership.tenant_id
        everyone: list[tuple[str, Any]] = [("", _("All"))]
        if per_partner:
            del self.fields["course"]
        else:
            courses = Course.objects.filter(tenant_id=tenant_id, current_version__isnull=False)
            self._choices("course").choices = everyone + [
                (str(c.pk), c.title) for c in courses.order_by("title", "id")
            ]
        self.tiers = {str(t.pk): t for t in Tier.objects.filter(tenant_id=tenant_id)}
        self._choices("tier").choices = everyone + [
            (pk, t.name) for pk, t in sorted(self.tiers.items(), key=lambda i: -i[1].rank)
        ]
        self.segments = {
            str(s.pk): s
            for s in Segment.objects.filter(tenant_id=tenant_id)
            .prefetch_related("partner_types")
            .order_by("name")
        }
        segments = [(k, s.name) for k, s in self.segments.items()]
        self._choices("segment").choices = everyone + segments
        self.cams: dict[str, Membership] = {}
        if membership.can("partners.view_all"):
            self.cams = {
                str(m.pk): m
                for m in Membership.objects.filter(
                    tenant_id=tenant_id, role=Role.CAM, is_active=True
                ).select_related("user")
            }
            cams = sorted(((k, str(m.user)) for k, m in self.cams.items()), key=lambda c: c[1])
            self._choices("cam").choices = everyone + cams
        else:
            del self.fields["cam"]
        self._choices("sort").choices = _sorts(PARTNER_SORTS if per_partner else COURSE_SORTS)

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def filters(self) -> ReportFilters:
        values = self.values()

        def picked(name: str) -> str:
            return values.get(name) or ""

        return ReportFilters(
            course_id=int(picked("course")) if picked("course") else None,
            tier_id=int(picked("tier")) if picked("tier") else None,
            segment=self.segments.get(picked("segment")),
            cam=self.cams.get(picked("cam")),
            partner_id=values["partner"],
            started_from=values["started_from"],
            started_to=values["started_to"],
        )

    @property
    def sort_key(self) -> str:
        return self.values()["sort"] or ""

    @property
    def narrowed(self) -> bool:
        """Whether any filter is applied (the empty state then says to clear them)."""
        values = self.values()
        return any(values[name] for name in values if name != "sort")
