"""A registration's files in the portal: attach one, download one, delete one (confirmed).

Every URL finds the registration through `deal_of` (the member's own, or their company's for a
partner admin) and the file among that registration's: another partner's, another tenant's or a
missing one answers 404 alike. A refused file comes back beside its field on the registration's
page, and nothing is stored.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest
from prm.uploads.handler import accepts_uploads
from prm.uploads.private import private_file_response

from ..forms import AttachmentForm
from ..models import Deal, DealAttachment
from ..selectors import attachments_of
from ..services.attachments import attachment_add, attachment_delete, may_delete_attachment
from .common import deal_of, error_text
from .detail import detail_page


def _attachment_of(deal: Deal, attachment_id: int) -> DealAttachment:
    return get_object_or_404(attachments_of(deal), pk=attachment_id)


def _files_url(deal: Deal) -> str:
    return reverse("deals:detail", args=[deal.pk]) + "#attachments"


@accepts_uploads(AttachmentForm)
@require_http_methods(["GET", "POST"])
@requires("portal.deals")
def attachment_add_view(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
    if request.method != "POST":
        return redirect(_files_url(deal))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attachment = attachment_add(
                actor=request.membership,
                deal=deal,
                file=data["file"],
                kind=data["kind"],
                label=data["label"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # a closed registration: said as a message
                messages.error(request, error_text(exc))
                return redirect(_files_url(deal))
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(file)s is attached to %(ref)s.")
                % {"file": attachment.name, "ref": deal.reference},
            )
            return redirect(_files_url(deal))
    return detail_page(request, deal, attachment_form=form)


@requires("portal.deals")
def attachment_download(request: TenantRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    attachment = _attachment_of(deal_of(request, pk), attachment_id)
    return private_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@require_http_methods(["GET", "POST"])
@requires("portal.deals")
def attachment_delete_view(request: TenantRequest, pk: int, attachment_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    deal = deal_of(request, pk)
    attachment = _attachment_of(deal, attachment_id)
    if not may_delete_attachment(request.membership, attachment):
        messages.error(
            request, _("Only the person who attached a file, or your company's admin, deletes it.")
        )
        return redirect(_files_url(deal))
    if request.method == "POST":
        try:
            attachment_delete(actor=request.membership, attachment=attachment)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(file)s is deleted from %(ref)s.")
                % {"file": attachment.name, "ref": deal.reference},
            )
        return redirect(_files_url(deal))
    return render(request, "deals/attachment_delete.html", {"deal": deal, "attachment": attachment})
