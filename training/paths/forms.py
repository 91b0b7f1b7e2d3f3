"""Forms of the paths and certifications admin pages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prm.forms import Form, ModelForm

from ..models import Certification, PathCourse


class RevokeForm(Form):
    """Revoke an award: the reason is told to the holder and kept in the audit log."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The holder reads it in their notification."),
    )


class PathCourseForm(ModelForm):
    """One course of a path: an explicit prerequisite must come earlier in the same path
    (checked by the inline's formset, which sees every row)."""

    class Meta:
        model = PathCourse
        # `course` and `prerequisite` are added by the inline at request time (inside the
        # tenant's scope, which a query set built at import would not be).
        fields = ["position", "required", "open_from_start"]


class PathCourseFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("course"):
                continue
            rows.append((data.get("position") or 0, form, data))
        rows.sort(key=lambda r: r[0])
        before: set[int] = set()
        for _position, form, data in rows:
            wanted = data.get("prerequisite")
            if wanted is not None and not data.get("open_from_start"):
                if wanted.pk == data["course"].pk:
                    form.add_error("prerequisite", _("A course cannot unlock itself."))
                elif wanted.pk not in before:
                    form.add_error(
                        "prerequisite",
                        _("Choose a course placed earlier in this path."),
                    )
            before.add(data["course"].pk)
        if rows and not any(data.get("required") for _p, _f, data in rows):
            raise ValidationError(_("Mark at least one course as required."))


class CertificationForm(ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("path")) == bool(data.get("course")):
            raise ValidationError(_("Choose either a path or a course that earns it."))
        return data

    class Meta:
        model = Certification
        # `path` and `course` are added by the model admin at request time (the tenant's scope)
        fields = ["name", "description", "validity_months", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
