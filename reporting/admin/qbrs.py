"""Quarterly business reviews in the vendor admin UI (E): the list of reviews, the page that
prepares one (`prepare`), the editor (`editor`: figures, highlights and roadblocks, action items,
comments), its confirm pages (refresh the figures, share with the partner, finalise), the PDF,
and the list of every action item.

Everything is found through `qbrs_visible_to` / `action_items_visible_to`, so another tenant's
review, or one of a partner a CAM does not manage, answers 404; each change is one service call
(`reporting.qbrs.services`).
"""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partners.models import Partner
from partners.plans.selectors import owner_choices, owner_label
from prm.audit.selectors import audit_events_for
from prm.dates import format_day
from prm.filters import parse_id
from prm.forms import Form
from prm.metrics.periods import QUARTER, Period
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import VisiblePartnerFilter, visible_partners
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..models import Qbr, QbrActionItem
from ..qbrs import services
from ..qbrs.figures import sections
from ..qbrs.selectors import action_items_visible_to, qbrs_visible_to
from ..qbrs.services import QBRS, recent_quarters
from ..scorecard import period_label


def quarter_choices(membership: Membership, today: date) -> list[tuple[str, str]]:
    """The quarters a review may be prepared for (`recent_quarters`): (first day, label)."""
    fiscal = membership.tenant.fiscal_year_start
    return [
        (q.start.isoformat(), period_label(QUARTER, q, fiscal))
        for q in recent_quarters(membership.tenant, today)
    ]


def status_badge(qbr: Qbr) -> Any:
    if qbr.is_final:
        return badge("status-approved", _("Final"))
    if qbr.shared_at:
        return badge("info", _("Draft, shared"))
    return badge("warning", _("Draft"))


class QuarterFilter(admin.SimpleListFilter):
    title = gettext_lazy("quarter")
    parameter_name = "quarter"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return quarter_choices(membership_of(request), timezone.localdate())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            return queryset.filter(period_start=date.fromisoformat(value))
        except ValueError:
            return queryset.none()


@admin.register(Qbr, site=tenant_admin_site)
class QbrAdmin(TenantModelAdmin):
    """The reviews a member prepares, newest quarter first; a review opens in its editor."""

    capabilities = {"view": "reporting.qbrs.edit"}
    changelist_title = gettext_lazy("Business reviews")
    list_display = ["partner_name", "quarter", "status_shown", "open_actions", "changed"]
    list_display_links = ["partner_name"]
    key_columns = ("status_shown",)
    list_filter = ["status", QuarterFilter, VisiblePartnerFilter]
    search_fields = ["partner__name"]
    list_per_page = 50
    show_full_result_count = False
    fields = ("partner",)
    readonly_fields = ("partner",)
    menu_position = 30
    change_list_template = "admin/reporting/qbr/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Qbr]:
        return (
            qbrs_visible_to(membership_of(request))
            .select_related("tenant")
            .annotate(
                open_count=Count(
                    "action_items", filter=Q(action_items__status=QbrActionItem.Status.OPEN)
                )
            )
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["-period_start", "partner__name", "pk"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        membership = membership_of(request)
        extra = {"may_export": membership.can("reporting.qbrs.export")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        qbr = get_object_or_404(self.get_queryset(request), pk=parse_id(object_id) or 0)
        return redirect("admin:reporting_qbr", qbr.pk)

    @admin.display(description=gettext_lazy("partner"), ordering="partner__name")
    def partner_name(self, obj: Qbr) -> str:
        return obj.partner.name

    @admin.display(description=gettext_lazy("quarter"), ordering="period_start")
    def quarter(self, obj: Qbr) -> str:
        period = Period(obj.period_start, obj.period_end)
        return period_label(QUARTER, period, obj.tenant.fiscal_year_start)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, obj: Qbr) -> Any:
        return status_badge(obj)

    @admin.display(description=gettext_lazy("open action items"))
    def open_actions(self, obj: Qbr) -> int:
        return getattr(obj, "open_count", 0)

    @admin.display(description=gettext_lazy("last changed"), ordering="updated_at")
    def changed(self, obj: Qbr) -> Any:
        return time_tag(obj.updated_at, short=True)


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", _("Overdue")), ("week", _("Within 7 days"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(status=QbrActionItem.Status.OPEN, due_on__lt=today)
        if self.value() == "week":
            return queryset.filter(
                status=QbrActionItem.Status.OPEN, due_on__range=(today, today + timedelta(7))
            )
        return queryset


@admin.register(QbrActionItem, site=tenant_admin_site)
class QbrActionItemAdmin(TenantModelAdmin):
    """Every action item of the reviews a member prepares: open ones by due day first."""

    capabilities = {"view": "reporting.qbrs.edit"}
    changelist_title = gettext_lazy("Action items")
    list_display = ["title", "partner_name", "owner_name", "due", "status_shown"]
    list_display_links = ["title"]
    key_columns = ("status_shown",)
    list_filter = ["status", OverdueFilter, VisiblePartnerFilter]
    search_fields = ["title", "qbr__partner__name"]
    list_per_page = 50
    show_full_result_count = False
    fields = ("title",)
    readonly_fields = ("title",)
    menu_position = 31
    change_list_template = "admin/reporting/qbractionitem/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[QbrActionItem]:
        return action_items_visible_to(membership_of(request))

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return ["status", "due_on", "pk"]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        item = get_object_or_404(self.get_queryset(request), pk=parse_id(object_id) or 0)
        return redirect("admin:reporting_qbr_action", item.pk)

    @admin.display(description=gettext_lazy("partner"), ordering="qbr__partner__name")
    def partner_name(self, obj: QbrActionItem) -> str:
        return obj.qbr.partner.name

    @admin.display(description=gettext_lazy("owner"))
    def owner_name(self, obj: QbrActionItem) -> str:
        return owner_label(obj.owner)

    @admin.display(description=gettext_lazy("due"), ordering="due_on")
    def due(self, obj: QbrActionItem) -> Any:
        return format_day(obj.due_on)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, obj: QbrActionItem) -> Any:
        if obj.is_overdue(timezone.localdate()):
            return badge("failed", _("Overdue"))
        kind = {"open": "warning", "done": "status-approved", "dropped": "none"}[obj.status]
        return badge(kind, obj.get_status_display())


# Pages


def _qbr(request: HttpRequest, pk: int) -> Qbr:
    return get_object_or_404(
        qbrs_visible_to(membership_of(request)).select_related("tenant", "partner__tenant"), pk=pk
    )


def _item(request: HttpRequest, pk: int) -> QbrActionItem:
    return get_object_or_404(
        action_items_visible_to(membership_of(request)).select_related("qbr__tenant"), pk=pk
    )


def _final(request: HttpRequest, qbr: Qbr, page: str) -> HttpResponse | None:
    """Back to the review, saying why, when it is final and the page would change it."""
    if QBRS.allowed(qbr, "edit"):
        return None
    messages.info(request, _("The review is final: it no longer changes."))
    return redirect(page)


def _opts() -> Any:
    return Qbr._meta


class PrepareForm(Form):
    partner = forms.ModelChoiceField(label=gettext_lazy("Partner"), queryset=Partner.objects.none())
    quarter = forms.ChoiceField(label=gettext_lazy("Quarter"), choices=())

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = visible_partners(membership).order_by("name")  # type: ignore[attr-defined]
        self.fields["quarter"].choices = quarter_choices(membership, timezone.localdate())  # type: ignore[attr-defined]


@requires("reporting.qbrs.edit")
def prepare(request: HttpRequest) -> HttpResponse:
    """Choose a partner and a quarter: the review opens (made as a draft if new)."""
    membership = membership_of(request)
    initial: dict[str, Any] = {}
    partner_id = parse_id(request.GET.get("partner", ""))
    if partner_id is not None:
        initial["partner"] = partner_id
    last = quarter_choices(membership, timezone.localdate())[1][0]
    initial["quarter"] = last

    def on_valid(form: PrepareForm) -> Done:
        qbr = services.qbr_open(
            actor=membership,
            partner=form.cleaned_data["partner"],
            day=date.fromisoformat(form.cleaned_data["quarter"]),
        )
        return Done(_("The review is open: its figures are in."), "admin:reporting_qbr", [qbr.pk])

    return form_page(
        request,
        form_class=PrepareForm,
        form_kwargs={"membership": membership, "initial": initial},
        on_valid=on_valid,
        template="admin/reporting/qbr/prepare.html",
        title=_("Prepare a business review"),
        opts=_opts(),
        context={"cancel_url": reverse("admin:reporting_qbr_changelist")},
    )


class NotesForm(Form):
    highlights = forms.CharField(
        label=gettext_lazy("Highlights"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What went well this quarter, in a few lines."),
    )
    roadblocks = forms.CharField(
        label=gettext_lazy("Roadblocks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What held the partner back, and what would unblock it."),
    )


class CommentForm(Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=services.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def editor_context(request: HttpRequest, qbr: Qbr) -> dict[str, Any]:
    """What the editor shows around its forms."""
    membership = membership_of(request)
    snapshot = services.latest_snapshot(qbr)
    data = snapshot.data  # the figures; the words and items shown are the review's own
    today = timezone.localdate()
    items = list(services.qbr_action_items(qbr).select_related("owner__user"))
    carried = list(
        QbrActionItem.objects.filter(
            tenant_id=qbr.tenant_id,
            partner_id=qbr.partner_id,
            qbr__period_start__lt=qbr.period_start,
            status=QbrActionItem.Status.OPEN,
        )
        .select_related("owner__user", "qbr")
        .order_by("due_on", "pk")
    )
    draft = QBRS.allowed(qbr, "edit")
    return {
        "qbr": qbr,
        "snapshot": snapshot,
        "data": data,
        "sections": sections(data),
        "quarter_label": data["quarter"]["label"],
        "status": status_badge(qbr),
        "items": [(i, owner_label(i.owner), i.is_overdue(today)) for i in items],
        "carried": [(i, owner_label(i.owner), i.is_overdue(today)) for i in carried],
        "comments": list(qbr.comments.select_related("author__user", "author__partner")),
        "draft": draft,
        "may_comment": services.may_comment(membership, qbr),
        "comment_form": CommentForm(),
        "audit_events": audit_events_for(tenant=qbr.tenant, obj=qbr),
        "pdf_name": pdf_name(qbr),
    }


@requires("reporting.qbrs.edit")
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The review: its figures, highlights and roadblocks (saved here), action items and
    comments, with the buttons that refresh, share, finalise and download it."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])
    if request.method == "POST" and (final := _final(request, qbr, page)) is not None:
        return final

    def on_valid(form: NotesForm) -> Done:
        services.qbr_notes_update(
            actor=membership,
            qbr=qbr,
            highlights=form.cleaned_data["highlights"],
            roadblocks=form.cleaned_data["roadblocks"],
        )
        return Done(_("The highlights and roadblocks are saved."), page)

    return form_page(
        request,
        form_class=NotesForm,
        form_kwargs={"initial": {"highlights": qbr.highlights, "roadblocks": qbr.roadblocks}},
        on_valid=on_valid,
        template="admin/reporting/qbr/editor.html",
        title=_("Business review: %(partner)s") % {"partner": qbr.partner.name},
        obj=qbr,
        context=editor_context(request, qbr),
    )


class ConfirmForm(Form):
    """Nothing to fill in: the page says what the button does."""


@requires("reporting.qbrs.edit")
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the draft's figures again (confirm page)."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])

    def on_valid(form: ConfirmForm) -> Done:
        before = services.latest_snapshot(qbr).version
        snapshot = services.qbr_refresh(actor=membership, qbr=qbr)
        if snapshot.version == before:
            return Done(_("No figure changed since they were read."), page)
        return Done(_("The figures are refreshed."), page)

    return _confirm(request, qbr, on_valid, "refresh", _("Refresh the figures"))


@requires("reporting.qbrs.edit")
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the draft with the partner's admins (confirm page)."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])

    def on_valid(form: ConfirmForm) -> Done:
        services.qbr_share(actor=membership, qbr=qbr)
        return Done(_("The draft is shared: the partner's admins were told."), page)

    return _confirm(request, qbr, on_valid, "share", _("Share the draft with the partner"))


def _confirm(
    request: HttpRequest, qbr: Qbr, on_valid: Any, action: str, title: str
) -> HttpResponse:
    page = reverse("admin:reporting_qbr", args=[qbr.pk])
    if (final := _final(request, qbr, page)) is not None:
        return final
    return form_page(
        request,
        form_class=ConfirmForm,
        on_valid=on_valid,
        template=f"admin/reporting/qbr/{action}.html",
        title=title,
        obj=qbr,
        context={"cancel_url": page, "qbr": qbr},
    )


class FinaliseForm(Form):
    held_on = forms.DateField(
        label=gettext_lazy("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The day you held the review with the partner."),
    )


@requires("reporting.qbrs.edit")
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Finalise the review as held on a day (confirm page): it is locked from then on."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])
    if not QBRS.allowed(qbr, "finalise"):
        messages.info(request, _("The review is final already."))
        return redirect(page)

    def on_valid(form: FinaliseForm) -> Done:
        services.qbr_finalise(actor=membership, qbr=qbr, held_on=form.cleaned_data["held_on"])
        return Done(_("The review is final. The partner's admins can download it."), page)

    return form_page(
        request,
        form_class=FinaliseForm,
        form_kwargs={"initial": {"held_on": timezone.localdate()}},
        on_valid=on_valid,
        template="admin/reporting/qbr/finalise.html",
        title=_("Finalise the review"),
        obj=qbr,
        context={
            "cancel_url": page,
            "qbr": qbr,
            "open_items": services.qbr_action_items(qbr).count(),
        },
    )


def pdf_name(qbr: Qbr) -> str:
    """ "northwind-solutions-2026-07-qbr.pdf"."""
    return f"{slugify(qbr.partner.name) or 'partner'}-{qbr.period_start:%Y-%m}-qbr.pdf"


def pdf_response(qbr: Qbr) -> HttpResponse:
    content = services.qbr_pdf(qbr=qbr)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_name(qbr)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("reporting.qbrs.edit")
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The review as a PDF: the final one, or a draft's as it stands."""
    return pdf_response(_qbr(request, pk))


@require_POST
@requires("reporting.qbrs.edit")
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment to the draft (the form on the editor)."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])
    form = CommentForm(request.POST)
    if not services.may_comment(membership, qbr):
        messages.info(request, _("This review takes no more comments."))
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("body", [])))
    else:
        services.qbr_comment_add(actor=membership, qbr=qbr, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment is added."))
    return redirect(page + "#comments")


class ActionItemForm(Form):
    title = forms.CharField(label=gettext_lazy("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=Membership.objects.none())
    due_on = forms.DateField(
        label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, qbr: Qbr, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = owner_choices(partner=qbr.partner)  # type: ignore[attr-defined]
        field.label_from_instance = owner_label  # type: ignore[attr-defined]
        field.help_text = gettext_lazy(
            "Someone of the partner's company, or one of its channel account managers."
        )


@requires("reporting.qbrs.edit")
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree an action item in the draft."""
    membership = membership_of(request)
    qbr = _qbr(request, pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk])
    if (final := _final(request, qbr, page)) is not None:
        return final

    def on_valid(form: ActionItemForm) -> Done:
        services.action_item_add(actor=membership, qbr=qbr, **form.cleaned_data)
        return Done(_("The action item is added."), page + "#actions")

    return form_page(
        request,
        form_class=ActionItemForm,
        form_kwargs={
            "qbr": qbr,
            "initial": {"due_on": timezone.localdate() + timedelta(days=30)},
        },
        on_valid=on_valid,
        template="admin/reporting/qbr/action_form.html",
        title=_("Add an action item"),
        obj=qbr,
        context={"cancel_url": page, "qbr": qbr},
    )


class TrackForm(Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=QbrActionItem.Status.choices, widget=forms.RadioSelect
    )


@requires("reporting.qbrs.edit")
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an action item while its review is a draft (a final review's items are only
    marked done, dropped or open: `action_track`)."""
    membership = membership_of(request)
    item = _item(request, pk)
    qbr = item.qbr
    if not QBRS.allowed(qbr, "edit"):
        return redirect("admin:reporting_qbr_action_track", item.pk)
    page = reverse("admin:reporting_qbr", args=[qbr.pk]) + "#actions"

    def change(form: ActionItemForm) -> Done:
        services.action_item_change(actor=membership, item=item, **form.cleaned_data)
        return Done(_("The action item is changed."), page)

    return form_page(
        request,
        form_class=ActionItemForm,
        form_kwargs={
            "qbr": qbr,
            "initial": {"title": item.title, "owner": item.owner, "due_on": item.due_on},
        },
        on_valid=change,
        template="admin/reporting/qbr/action_form.html",
        title=_("Change the action item"),
        obj=qbr,
        context={"cancel_url": page, "qbr": qbr, "item": item},
    )


@requires("reporting.qbrs.edit")
def action_track(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action item done, dropped or open again (confirm page), whatever its review."""
    membership = membership_of(request)
    item = _item(request, pk)
    page = reverse("admin:reporting_qbr", args=[item.qbr_id]) + "#actions"
    if not services.may_track(membership, item):
        raise PermissionDenied

    def track(form: TrackForm) -> Done:
        services.action_item_track(actor=membership, item=item, status=form.cleaned_data["status"])
        return Done(_("The action item is updated."), page)

    wanted = request.GET.get("status", "")
    status = wanted if wanted in QbrActionItem.Status.values else item.status
    return form_page(
        request,
        form_class=TrackForm,
        form_kwargs={"initial": {"status": status}},
        on_valid=track,
        template="admin/reporting/qbr/action_track.html",
        title=_("Update the action item"),
        obj=item.qbr,
        context={"cancel_url": page, "qbr": item.qbr, "item": item},
    )


@requires("reporting.qbrs.edit")
def action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an action item out of a draft (confirm page)."""
    membership = membership_of(request)
    item = _item(request, pk)
    page = reverse("admin:reporting_qbr", args=[item.qbr_id]) + "#actions"
    if not QBRS.allowed(item.qbr, "edit"):
        messages.info(request, _("The review is final: its action items stay."))
        return redirect(page)

    def remove(form: ConfirmForm) -> Done:
        services.action_item_remove(actor=membership, item=item)
        return Done(_("The action item is removed."), page)

    return form_page(
        request,
        form_class=ConfirmForm,
        on_valid=remove,
        template="admin/reporting/qbr/action_remove.html",
        title=_("Remove the action item"),
        obj=item.qbr,
        context={"cancel_url": page, "qbr": item.qbr, "item": item},
    )
