"""The course builder's forms (admin UI) and the confirmations of the portal and admin pages."""

import os
from dataclasses import replace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from prm.forms import Form, ModelForm
from prm.tenancy.validators import LOGO, reencode_logo
from prm.uploads.checks import BUSINESS_DOCUMENT, EXTENSIONS_OF_KIND, check_upload, size_label
from prm.uploads.fields import UploadField

from .content import clean_html, video_embed
from .models import Course, Module, ModuleKind

#: a course's cover: checked and re-encoded as the tenant's logo is (`reencode_logo`)
COVER_RULE = LOGO
#: a file module: a PDF or slides (PowerPoint, OpenDocument), the name matching the content
COURSE_FILE_RULE = replace(
    BUSINESS_DOCUMENT,
    kinds=frozenset({"pdf", "office"}),
    extensions=EXTENSIONS_OF_KIND["pdf"] | {".pptx", ".odp"},
    wrong_kind=_("Upload a PDF or slides (PowerPoint .pptx or OpenDocument .odp)."),
    wrong_extension=_("Upload a file ending in .pdf, .pptx or .odp."),
)


class CourseForm(ModelForm):
    """A course's description in the builder (its modules are the inline below it)."""

    cover = UploadField(
        rule=COVER_RULE,
        label=_("Cover image"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cover"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s; shown on the course's card in the catalogue."
        ) % {"size": size_label(COVER_RULE.max_bytes)}

    def clean_cover(self) -> Any:
        cover = self.cleaned_data.get("cover")
        # Checked by the UploadField before anything is decoded; stored re-encoded as PNG, so
        # the file kept is exactly an image.
        return reencode_logo(cover) if isinstance(cover, UploadedFile) else cover

    class Meta:
        model = Course
        # `segments` is added by the model admin at request time (inside the tenant's scope,
        # which a query set built at import would not be).
        fields = ["title", "summary", "estimated_minutes", "cover"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ModuleForm(ModelForm):
    """One module in the builder: what it holds depends on its kind."""

    file = UploadField(
        rule=COURSE_FILE_RULE,
        label=_("File"),
        required=False,
        # a plain input: the stored file has no public URL to link to (its name is shown)
        widget=forms.FileInput,
        help_text=_("For a file module: a PDF or slides (.pptx, .odp), at most 10 MB."),
    )

    video_url = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For a video module: a YouTube or Vimeo link."),
    )

    class Meta:
        model = Module
        fields = ["position", "title", "kind", "minutes", "body_html", "video_url", "file"]
        widgets = {
            "body_html": forms.Textarea(attrs={"rows": 5, "cols": 60}),
            "position": forms.NumberInput(attrs={"class": "vSmallField"}),
            "minutes": forms.NumberInput(attrs={"class": "vSmallField"}),
        }
        help_texts = {
            "body_html": _(
                "For a text module. Headings, paragraphs, lists, emphasis and links are kept."
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ModuleKind.TEXT:
            data["body_html"] = clean_html(data.get("body_html", ""))
            if not data["body_html"]:
                self.add_error("body_html", _("Write the module's text."))
        elif kind == ModuleKind.VIDEO:
            try:
                video_embed(data.get("video_url", ""))
            except ValidationError as exc:
                self.add_error("video_url", exc)
        elif kind == ModuleKind.FILE and not data.get("file"):
            self.add_error("file", _("Upload the module's file."))
        return data

    def save(self, commit: bool = True) -> Module:
        module: Module = super().save(commit=False)
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file (checked by its field already)
            checked = check_upload(upload, COURSE_FILE_RULE)
            module.file_name = clean_file_name(upload.name or "")
            module.content_type = checked.content_type
            module.size = checked.size
        if module.kind != ModuleKind.FILE:
            module.file = ""
            module.file_name, module.content_type, module.size = "", "", None
        if commit:
            module.save()
        return module


def clean_file_name(name: str) -> str:
    """The uploaded name as shown and offered for download: no path, only safe characters."""
    base = get_valid_filename(os.path.basename(name)) or "file"
    stem, extension = os.path.splitext(base)
    return f"{stem[: 200 - len(extension)]}{extension}"


class ConfirmForm(Form):
    """A confirmation with nothing to fill in (publish a course, mark a module done)."""
