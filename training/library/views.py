"""The portal's Resources: the content library that targets the member's company.

Every page finds its assets through `visible_assets` (by way of `library_search` for the
list): an asset for another segment, another partner, another tenant, a draft or a missing one
answers 404 alike, and so does its download.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest
from prm.uploads.private import private_file_response

from ..content import video_embed
from ..models import Asset, AssetEngagement, AssetType
from .forms import LibraryFilterForm
from .selectors import library_search, tag_choices, tag_labels, visible_assets
from .services import engagement_record

PAGE_SIZE = 24


@require_safe
@requires("portal.training")
def resources(request: TenantRequest) -> HttpResponse:
    """The library: featured first, a search box and filters, a page of cards."""
    membership = request.membership
    choices = tag_choices(membership.tenant)
    form = LibraryFilterForm(request.GET, choices=choices)
    query = form.query()
    page = Paginator(library_search(membership, query), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, tag_labels(list(a.tags), choices)) for a in page.object_list]
    # Whether the library holds anything for the member at all (the empty state differs
    # from "nothing matches these filters"); asked only when this page came back empty.
    anything = bool(rows) or (query.narrowed and visible_assets(membership).exists())
    kept = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound else {}
    return render(
        request,
        "training/library/resources.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "rows": rows,
            "anything": anything,
            "pager_query": urlencode(kept),
        },
    )


def _embed(asset: Asset) -> str:
    if not asset.link or asset.type != AssetType.VIDEO:
        return ""
    try:
        return video_embed(asset.link)
    except ValidationError:  # a video elsewhere than YouTube or Vimeo: opened as a link
        return ""


@require_safe
@requires("portal.training")
def asset(request: TenantRequest, pk: int) -> HttpResponse:
    """An asset's page: what it is, Download or Open (a video plays here); the view is
    recorded for the vendor's engagement figures."""
    membership = request.membership
    found = get_object_or_404(visible_assets(membership), pk=pk)
    engagement_record(actor=membership, asset=found, kind=AssetEngagement.Kind.VIEW)
    labels = tag_labels(list(found.tags), tag_choices(membership.tenant)) if found.tags else []
    return render(
        request,
        "training/library/asset.html",
        {"asset": found, "labels": labels, "embed_url": _embed(found)},
    )


@require_safe
@requires("portal.training")
def download(request: TenantRequest, pk: int) -> HttpResponseBase:
    """The asset's file as a download (private storage), or its link; recorded once."""
    membership = request.membership
    found = get_object_or_404(visible_assets(membership), pk=pk)
    if found.file:
        # Opened before the record is written: a file the storage lost answers 404 and
        # counts nothing.
        response: HttpResponseBase = private_file_response(
            found.file, name=found.file_name, content_type=found.content_type
        )
    elif found.link:
        response = redirect(found.link)
    else:
        raise Http404
    engagement_record(actor=membership, asset=found, kind=AssetEngagement.Kind.DOWNLOAD)
    return response
