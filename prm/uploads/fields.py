"""`UploadField`: the form field for every file a member uploads."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseForm

from .checks import RefusedUpload, UploadRule, check_upload, too_large


class UploadField(forms.FileField):
    """A file field whose uploads are checked by `rule` (`checks.check_upload`): kind by
    content, size, and an image's pixels before decoding. Every refusal, including a file the
    upload handler stopped storing, is a message beside the field.

    The view that binds the form declares the form with `handler.accepts_uploads` (a model
    admin's `form` is found by itself), so the handler stops storing a file at `rule.max_bytes`.
    """

    def __init__(self, *, rule: UploadRule, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "accept": self.rule.accept_attribute()}

    def clean(self, data: Any, initial: Any = None) -> Any:
        # Before FileField's own checks, which would call the empty placeholder "empty".
        if isinstance(data, RefusedUpload):
            raise too_large(data.limit)
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):  # a fresh upload, not the stored file
            check_upload(value, self.rule)
        return value


def upload_limits_of(form_class: type[BaseForm]) -> dict[str, int]:
    """The size limit of each `UploadField` of `form_class`, by field name."""
    fields = getattr(form_class, "base_fields", {})  # set by the forms' metaclass
    return {
        name: field.rule.max_bytes
        for name, field in fields.items()
        if isinstance(field, UploadField)
    }
