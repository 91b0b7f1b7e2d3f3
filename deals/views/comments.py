"""Posting to a registration's thread from the portal: the page reloads at the new comment; an
empty or refused comment comes back beside its field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..forms import CommentForm
from ..services.comments import comment_post
from .common import deal_of, error_text
from .detail import detail_page


@require_http_methods(["GET", "POST"])
@requires("portal.deals")
def comment_add(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
    page = reverse("deals:detail", args=[deal.pk])
    if request.method != "POST":
        return redirect(f"{page}#comments")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comment_post(
                actor=request.membership, deal=deal, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # a draft has no thread yet
                messages.error(request, error_text(exc))
                return redirect(f"{page}#comments")
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(f"{page}#comment-{comment.pk}")
    return detail_page(request, deal, comment_form=form)
