"""Joint business plans in the vendor admin UI: a CAM's plans (partner ops and the program
leader: every partner's), their goals' progress and milestones, edited through the plan's
editor so that each change is audited and the partner's admins are told."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from prm.filters import SafeChangeList
from prm.forms import ModelForm
from prm.security.client_ip import client_ip
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import VisiblePartnerFilter, visible_partners
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site

from ..models import BusinessPlan, Partner, PlanGoal, PlanMilestone
from ..plans import selectors
from ..plans import services as plans


class PlanAddForm(ModelForm):
    # Filled per request with the partners the member sees (get_form).
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = BusinessPlan
        fields = ["partner", "year", "summary"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("partner") and data.get("year"):
            error = selectors.plan_create_error(partner=data["partner"], year=data["year"])
            if error:
                self.add_error("year", error)
        return data


def _goal_metric_or_blank() -> list[tuple[str, str]]:
    # A blank first choice: the inline's empty row is left out, not read as a goal on the
    # first metric (which a browser would send).
    return [("", "---------"), *selectors.goal_metric_choices()]


class GoalInlineForm(ModelForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=_goal_metric_or_blank)

    class Meta:
        model = PlanGoal
        fields = ["metric", "target", "note"]
        widgets = {"note": forms.TextInput(attrs={"size": 40})}


class MilestoneInlineForm(ModelForm):
    # Filled per request with the plan's possible owners (MilestoneInline.get_formset).
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Membership.objects.none())

    class Meta:
        model = PlanMilestone
        fields = ["title", "owner", "due_on", "done_on", "note"]
        widgets = {
            "title": forms.TextInput(attrs={"size": 30}),
            "note": forms.TextInput(attrs={"size": 20}),
        }

    def clean_done_on(self) -> Any:
        done_on = self.cleaned_data.get("done_on")
        if done_on and done_on > timezone.localdate():
            raise ValidationError(_("A milestone cannot be done in the future."))
        return done_on


class _PlanPartInline(TenantInline):
    """Goals and milestones: changed by whoever may edit the plan (the queryset of the plan
    admin already narrows plans to the partners the member sees)."""

    capabilities = {"edit": "partners.plan.edit", "view": "partners.view"}


class GoalInline(_PlanPartInline):
    model = PlanGoal
    form = GoalInlineForm
    verbose_name = _("goal (a metric to reach over the plan's year)")


class MilestoneInline(_PlanPartInline):
    model = PlanMilestone
    form = MilestoneInlineForm
    readonly_fields = ["status"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "owner" in formset.form.base_fields:
            # The partner's own users and its CAMs: never another partner's users.
            owners = selectors.owner_choices(partner=obj.partner, plan=obj)
            owner = cast(forms.ModelChoiceField, formset.form.base_fields["owner"])
            owner.queryset = owners
            # Listed once for every row's select, not one query per milestone.
            owner.choices = [("", "---------")] + [(m.pk, selectors.owner_label(m)) for m in owners]
        return formset

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanMilestone]:
        return super().get_queryset(request).select_related("owner__user")

    @admin.display(description=_("status"))
    def status(self, obj: PlanMilestone) -> str:
        if obj.pk is None:
            return "—"
        state = selectors.milestone_status(obj, timezone.localdate())
        return str({"done": _("Done"), "overdue": _("Overdue"), "open": _("Open")}[state])


class PlanChangeList(SafeChangeList):
    """Goal progress for the whole page at once: one query per metric and year."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_list = list(self.result_list)
        progress = selectors.goal_progress(self.result_list, tenant=tenant_of(request))
        for plan in self.result_list:
            plan.progress = progress[plan.pk]


@admin.register(BusinessPlan, site=tenant_admin_site)
class BusinessPlanAdmin(TenantModelAdmin):
    capabilities = {
        "view": "partners.view",
        "add": "partners.plan.edit",
        "change": "partners.plan.edit",
    }
    list_display = [
        "partner",
        "year",
        "goals",
        "open_milestones",
        "overdue_milestones",
        "updated_at",
    ]
    list_display_links = ["partner", "year"]
    list_filter = ["year", VisiblePartnerFilter]
    search_fields = ["partner__name", "summary"]
    inlines = [GoalInline, MilestoneInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BusinessPlan]:
        # Through the member's visible partners: a CAM's list and URLs hold only their partners.
        today = timezone.localdate()
        open_q = Q(milestones__done_on__isnull=True)
        return (
            super()
            .get_queryset(request)
            .filter(partner__in=visible_partners(membership_of(request)))
            .select_related("partner")
            .prefetch_related("goals")
            .annotate(
                open_count=Count("milestones", filter=open_q),
                overdue_count=Count("milestones", filter=open_q & Q(milestones__due_on__lt=today)),
            )
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[SafeChangeList]:
        return PlanChangeList

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # Goals and milestones need the plan's partner: they come once the plan exists.
        return self.inlines if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["partner", "year", "summary"]
        return ["partner", "year", "progress", "summary"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["partner", "year", "progress"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        visible = visible_partners(membership_of(request))

        class AddForm(PlanAddForm):
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.fields["partner"].queryset = visible.order_by("name")  # type: ignore[attr-defined]

        return super().get_form(request, obj, change=change, form=AddForm, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"year": timezone.localdate().year, **super().get_changeform_initial_data(request)}

    # Saving goes through the plan's services, which audit each change and tell the partner.

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # save_related applies the strategy together with the goals and milestones
        plan = plans.plan_create(
            actor=membership_of(request),
            partner=form.cleaned_data["partner"],
            year=form.cleaned_data["year"],
            summary=form.cleaned_data["summary"],
            ip=client_ip(request),
        )
        obj.pk, obj.tenant_id = plan.pk, plan.tenant_id
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if not change:
            return
        try:
            with plans.plan_edit(
                actor=membership_of(request), plan=form.instance, ip=client_ip(request)
            ) as edit:
                if "summary" in form.changed_data:
                    edit.summary_set(form.cleaned_data["summary"])
                for formset in formsets:
                    if formset.model is PlanGoal:
                        _apply_goals(edit, formset)
                    elif formset.model is PlanMilestone:
                        _apply_milestones(edit, formset)
        except (ValidationError, PermissionDenied) as exc:
            # Only a race gets here (the forms check the same rules): nothing was saved.
            request._plan_not_saved = True  # type: ignore[attr-defined]
            self.message_user(
                request, " ".join(getattr(exc, "messages", [str(exc)])), level=messages.ERROR
            )

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        self.message_user(
            request,
            _("The %(year)s plan of %(partner)s is created: add its goals and milestones.")
            % {"year": obj.year, "partner": obj.partner},
            messages.SUCCESS,
        )
        return redirect("admin:partners_businessplan_change", obj.pk)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, "_plan_not_saved", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # The services audit every change, saying which side made it; the formsets were never saved
    # by Django, so there is no change message of its own to build either.
    def construct_change_message(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass

    # Columns and read-only fields

    @admin.display(description=_("goals: actual / target"))
    def goals(self, obj: BusinessPlan) -> str:
        return _progress_html(getattr(obj, "progress", []), compact=True)

    @admin.display(description=_("open milestones"), ordering="open_count")
    def open_milestones(self, obj: BusinessPlan) -> int:
        return obj.open_count  # type: ignore[attr-defined]

    @admin.display(description=_("overdue"), ordering="overdue_count")
    def overdue_milestones(self, obj: BusinessPlan) -> str:
        count = obj.overdue_count  # type: ignore[attr-defined]
        return format_html('<strong style="color: #b42318">{}</strong>', count) if count else "0"

    @admin.display(description=_("progress"))
    def progress(self, obj: BusinessPlan) -> str:
        rows = selectors.goal_progress([obj], tenant=obj.tenant)[obj.pk]
        return _progress_html(rows, compact=False) or str(_("No goals yet: add them below."))


def _progress_html(rows: list[selectors.GoalProgress], *, compact: bool) -> str:
    if not rows:
        return "—" if compact else ""
    return format_html_join(
        "",
        '<div>{}: <strong>{}</strong> / {} <progress max="100" value="{}" aria-label="{}" '
        'style="{}"></progress> {}%</div>',
        (
            (
                p.label,
                p.actual_text,
                p.target_text,
                p.percent,
                p.label,
                "width: 5em" if compact else "width: 12em",
                p.percent,
            )
            for p in rows
        ),
    )


def _apply_goals(edit: plans.PlanEditor, formset: Any) -> None:
    deleted = formset.deleted_forms
    for form in formset.forms:
        data = form.cleaned_data
        if form in deleted:
            if form.instance.pk is not None:
                edit.goal_remove(form.instance)
        elif form.instance.pk is None:
            if form.has_changed():
                edit.goal_add(metric=data["metric"], target=data["target"], note=data["note"])
        elif form.has_changed():
            edit.goal_change(
                form.instance, metric=data["metric"], target=data["target"], note=data["note"]
            )


def _apply_milestones(edit: plans.PlanEditor, formset: Any) -> None:
    deleted = formset.deleted_forms
    for form in formset.forms:
        data = form.cleaned_data
        if form in deleted:
            if form.instance.pk is not None:
                edit.milestone_remove(form.instance)
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty extra row
        fields = {k: data[k] for k in ("title", "owner", "due_on", "note")}
        if form.instance.pk is None:
            milestone = edit.milestone_add(**fields)
        elif form.has_changed():
            milestone = edit.milestone_change(form.instance, **fields)
        else:
            continue
        if data["done_on"] and data["done_on"] != milestone.done_on:
            edit.milestone_done(milestone, on=data["done_on"])
        elif not data["done_on"] and milestone.done_on:
            edit.milestone_reopen(milestone)
