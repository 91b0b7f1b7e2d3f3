"""The library's forms: an asset in the admin UI, a named partner to grant, and the
Resources page's search and filters (a `QueryForm`: a refused value is left out)."""

from dataclasses import replace
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from prm.filters import QueryForm
from prm.forms import Form, ModelForm
from prm.tenancy.models import Tenant
from prm.uploads.checks import BUSINESS_DOCUMENT, check_upload, size_label
from prm.uploads.fields import UploadField

from ..forms import clean_file_name
from ..models import Asset, AssetType, TagKind
from .selectors import LibraryQuery, tag_choices

#: an asset's file: a PDF, slides, a document, a spreadsheet or an image, the name matching
#: the content (`LIBRARY_ASSET_MAX_BYTES`)
ASSET_FILE_RULE = replace(BUSINESS_DOCUMENT, max_bytes=settings.LIBRARY_ASSET_MAX_BYTES)

#: the multiple-choice tag fields of the asset form, by kind
TAG_FIELDS = {
    "industries": TagKind.INDUSTRY,
    "partner_types": TagKind.PARTNER_TYPE,
    "tiers": TagKind.TIER,
    "regions": TagKind.REGION,
}


def _products(text: str) -> list[str]:
    return sorted({p.strip()[:100] for p in text.split(",") if p.strip()}, key=str.casefold)


class AssetForm(ModelForm):
    """An asset in the admin UI: a file or a link, its tags, who sees it. The model admin
    sets `tenant` on a subclass (the tag choices are the tenant's)."""

    tenant: Tenant | None = None

    file = UploadField(
        rule=ASSET_FILE_RULE,
        label=_("File"),
        required=False,
        # a plain input: the stored file has no public URL to link to (its name is shown)
        widget=forms.FileInput,
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Instead of a file: a web page or a video (YouTube and Vimeo links play in the portal)."
        ),
    )
    industries = forms.MultipleChoiceField(
        label=_("Industries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tiers = forms.MultipleChoiceField(
        label=_("Tiers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    products = forms.CharField(
        label=_("Products"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. “Acme Cloud, Analytics”."),
    )

    class Meta:
        model = Asset
        fields = ["title", "description", "type", "file", "link", "status", "featured", "review_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "status": _("Partners see a published asset, if it targets them."),
            "description": _("What it is for and when to use it; searched with the title."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, slides, a document, a spreadsheet or an image, at most %(size)s. Kept "
            "private: only the partners it targets can download it."
        ) % {"size": size_label(ASSET_FILE_RULE.max_bytes)}
        if self.instance.pk and self.instance.file:
            self.fields["file"].help_text = _(
                "Now: %(name)s. Upload another file to replace it, or give a link instead."
            ) % {"name": self.instance.file_name}
        tags = list(self.instance.tags or [])
        choices = tag_choices(self.tenant) if self.tenant is not None else {}
        for name, kind in TAG_FIELDS.items():
            self.fields[name].choices = choices.get(kind, [])  # type: ignore[attr-defined]
            self.initial.setdefault(name, [t for t in tags if t.startswith(f"{kind}:")])
        self.initial.setdefault(
            "products",
            ", ".join(t.removeprefix("product:") for t in tags if t.startswith("product:")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        link = data.get("link")
        new_file = isinstance(upload, UploadedFile)
        if new_file and link:
            self.add_error("link", _("Give a file or a link, not both."))
        elif not new_file and not link and not self.instance.file:
            self.add_error("file", _("Upload the asset's file, or give a link below."))
        elif link and not new_file:
            # A file asset becoming a link: its file is dropped before the model's check that
            # an asset is one or the other (False clears a file field).
            data["file"] = False
        return data

    def save(self, commit: bool = True) -> Asset:
        asset: Asset = super().save(commit=False)
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file (checked by its field already)
            checked = check_upload(upload, ASSET_FILE_RULE)
            asset.file_name = clean_file_name(upload.name or "")
            asset.content_type = checked.content_type
            asset.size = checked.size
            asset.link = ""
        elif self.cleaned_data.get("link"):
            asset.file = ""
            asset.file_name, asset.content_type, asset.size = "", "", None
        tags = [t for name in TAG_FIELDS for t in self.cleaned_data.get(name, [])]
        tags += [f"product:{p}" for p in _products(self.cleaned_data.get("products", ""))]
        asset.tags = tags
        if commit:
            asset.save()
            self.save_m2m()
        return asset


class GrantForm(Form):
    """A named partner company to show the asset to."""

    partner = forms.ModelChoiceField(
        label=_("Partner company"),
        queryset=Partner.objects.none(),
        help_text=_("Its users see the asset once it is published, whatever its segments."),
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class ConfirmForm(Form):
    """A confirmation with nothing to fill in (revoke a grant, feature an asset)."""


class LibraryFilterForm(QueryForm):
    """The Resources page's search box and filters, from the query string."""

    q = forms.CharField(label=_("Search"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=[("", _("Any type")), *AssetType.choices])
    industry = forms.ChoiceField(label=_("Industry"))
    partner_type = forms.ChoiceField(label=_("Partner type"))
    tier = forms.ChoiceField(label=_("Tier"))
    region = forms.ChoiceField(label=_("Region"))
    product = forms.ChoiceField(label=_("Product"))

    #: filter field -> the kind of tag it picks
    TAGS = {
        "industry": TagKind.INDUSTRY,
        "partner_type": TagKind.PARTNER_TYPE,
        "tier": TagKind.TIER,
        "region": TagKind.REGION,
        "product": TagKind.PRODUCT,
    }

    def __init__(self, query: Any, *, choices: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__(query)
        for name, kind in self.TAGS.items():
            self.fields[name].choices = [("", _("Any")), *choices.get(kind, [])]  # type: ignore[attr-defined]

    def query(self) -> LibraryQuery:
        values = self.values()
        tags = tuple(values[name] for name in self.TAGS if values[name])
        return LibraryQuery(q=values["q"].strip(), type=values["type"], tags=tags)
