"""A registration's files and thread on the decision screen: staff download the partner's files
and write in the thread.

Both find the registration through `vendor_deals_for` (a CAM: their partners' only; a draft is
the partner's own) and the file among that registration's: anything else answers 404 alike.
A comment the form refuses comes back on the decision screen, beside its field.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.uploads.private import private_file_response
from prm.workspace.sites import tenant_admin_site

from ..forms import CommentForm
from ..models import Deal
from ..selectors import attachments_of, vendor_deals_for
from ..services.comments import comment_post
from .common import object_pk


def _deal(request: HttpRequest, object_id: str) -> Deal:
    deals = vendor_deals_for(membership=membership_of(request))
    return get_object_or_404(deals, pk=object_pk(object_id))


@requires("deals.view")
def attachment_download(
    request: HttpRequest, object_id: str, attachment_id: int
) -> HttpResponseBase:
    attachment = get_object_or_404(attachments_of(_deal(request, object_id)), pk=attachment_id)
    return private_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@require_http_methods(["GET", "POST"])
@requires("deals.view")
def comment_add(request: HttpRequest, object_id: str) -> HttpResponse:
    """POST a comment; the decision screen again, at the new comment (or with the refused one
    beside its field)."""
    deal = _deal(request, object_id)
    screen = reverse("admin:deals_deal_change", args=[deal.pk])
    if request.method != "POST":
        return redirect(f"{screen}#comments")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comment_post(
                actor=membership_of(request), deal=deal, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your comment is posted: the partner is told."))
            return redirect(f"{screen}#comment-{comment.pk}")
    # The decision screen as a GET shows, with this form and its errors in the thread.
    shown = copy.copy(request)
    shown.method = "GET"
    model_admin = tenant_admin_site.get_model_admin(Deal)
    return model_admin.change_view(shown, str(deal.pk), extra_context={"comment_form": form})
