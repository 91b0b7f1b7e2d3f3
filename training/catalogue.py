"""The catalogue page's search box and status filter, read from its query string (a
`QueryForm`: a refused value is left out, the page shows what it would without it)."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.filters import QueryForm

from .selectors import Progress


@dataclass(frozen=True)
class CatalogueQuery:
    q: str
    progress: str

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.progress)

    def params(self, **changed: str) -> dict[str, str]:
        """The query string's values (those set), with `changed` applied."""
        values = {"q": self.q, "status": self.progress, **changed}
        return {k: v for k, v in values.items() if v}


class CatalogueFilterForm(QueryForm):
    q = forms.CharField(label=_("Search"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Progress.choices])

    def query(self) -> CatalogueQuery:
        values = self.values()
        return CatalogueQuery(q=values["q"].strip(), progress=values["status"])
