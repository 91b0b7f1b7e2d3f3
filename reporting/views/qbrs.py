"""Business reviews in the portal (/reviews/): the company's shared drafts and final reviews
for its admins (read, comment on a draft, download a final one's PDF), and the action items of
those reviews — every one of the company's for an admin, one's own for a rep — to mark done.

Reviews and items are found through `qbrs_visible_to` / `action_items_visible_to`: a draft
that was not shared, another partner's review or another tenant's answers 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from partners.plans.selectors import owner_label
from prm.forms import Form, form_call
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, posted

from ..admin.qbrs import pdf_response
from ..models import QbrActionItem, QbrComment
from ..qbrs import services
from ..qbrs.events import quarter_label
from ..qbrs.figures import sections
from ..qbrs.selectors import action_items_visible_to, qbrs_visible_to


class CommentForm(Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=services.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Your account manager reads it before the review."),
    )


class TrackForm(Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=QbrActionItem.Status.choices,
        widget=forms.RadioSelect,
    )


def _rows(items: list[QbrActionItem]) -> list[tuple[QbrActionItem, str, bool]]:
    today = timezone.localdate()
    return [(i, owner_label(i.owner), i.is_overdue(today)) for i in items]


@require_safe
@requires("portal.qbr_actions")
def reviews(request: TenantRequest) -> HttpResponse:
    """The company's reviews (admins) and the action items the member sees, open ones first."""
    membership = request.membership
    qbrs = list(qbrs_visible_to(membership).select_related("tenant").order_by("-period_start"))
    items = list(
        action_items_visible_to(membership)
        .select_related("qbr__tenant")
        .order_by("status", "due_on", "pk")[:200]
    )
    return render(
        request,
        "reporting/qbr_list.html",
        {
            "reviews": [(q, quarter_label(q)) for q in qbrs],
            "sees_reviews": membership.can("portal.qbrs"),
            "items": _rows(items),
        },
    )


@requires("portal.qbrs")
def review(request: TenantRequest, pk: int) -> HttpResponse:
    """One review: its figures, words and action items; a shared draft takes comments."""
    membership = request.membership
    qbr = get_object_or_404(qbrs_visible_to(membership).select_related("tenant"), pk=pk)
    form = CommentForm(posted(request))
    may_comment = services.may_comment(membership, qbr)
    if request.method == "POST":
        if not may_comment:
            raise PermissionDenied
        added: QbrComment | None = None
        if form.is_valid():
            added = form_call(
                form,
                services.qbr_comment_add,
                actor=membership,
                qbr=qbr,
                body=form.cleaned_data["body"],
            )
        if added is not None:
            messages.success(request, _("Your comment is added; your account manager is told."))
            return redirect("qbrs:review", qbr.pk)
    snapshot = services.latest_snapshot(qbr)
    data = snapshot.data  # the figures; the words and items shown are the review's own
    items = list(services.qbr_action_items(qbr).select_related("owner__user", "qbr"))
    context: dict[str, Any] = {
        "qbr": qbr,
        "data": data,
        "sections": sections(data),
        "items": _rows(items),
        "comments": list(qbr.comments.select_related("author__user", "author__partner")),
        "may_comment": may_comment,
        "form": form,
    }
    return render(request, "reporting/qbr_detail.html", context)


@require_safe
@requires("portal.qbrs")
def review_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    """A final review's PDF (a draft is read on its page; its PDF is not final)."""
    qbr = get_object_or_404(qbrs_visible_to(request.membership).select_related("tenant"), pk=pk)
    if not qbr.is_final:
        raise Http404
    return pdf_response(qbr)


@requires("portal.qbr_actions")
def action_track(request: TenantRequest, pk: int) -> HttpResponse:
    """Mark an action item done, dropped or open again (confirm page)."""
    membership = request.membership
    item = get_object_or_404(action_items_visible_to(membership).select_related("qbr"), pk=pk)
    if not services.may_track(membership, item):
        raise PermissionDenied
    wanted = request.GET.get("status", "")
    initial = wanted if wanted in QbrActionItem.Status.values else item.status
    form = TrackForm(posted(request), initial={"status": initial})
    if request.method == "POST" and form.is_valid():
        tracked = form_call(
            form,
            services.action_item_track,
            actor=membership,
            item=item,
            status=form.cleaned_data["status"],
        )
        if tracked is not None:
            messages.success(request, _("The action item is updated."))
            return redirect("qbrs:reviews")
    return render(
        request,
        "reporting/qbr_action_track.html",
        {"item": item, "form": form, "owner": owner_label(item.owner)},
    )
