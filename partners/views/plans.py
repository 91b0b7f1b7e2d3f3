"""The joint business plan in the portal: every user reads it, the partner's admins change it,
and the owner of a milestone marks it done. Other companies' goals and milestones answer 404."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from prm.forms import Form, errors_to_form
from prm.security.client_ip import client_ip
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import TenantRequest, own_partner, posted

from ..models import BusinessPlan, Partner, PlanGoal, PlanMilestone
from ..plans import selectors
from ..plans import services as plans

# -- Forms ----------------------------------------------------------------------------------


class PlanForm(Form):
    submit_once = True

    summary = forms.CharField(
        label=gettext_lazy("Strategy"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The plan in a few lines: target markets, offers, where to focus."),
    )


class GoalForm(Form):
    submit_once = True

    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=selectors.goal_metric_choices)
    target = forms.DecimalField(
        label=gettext_lazy("Target for the year"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=gettext_lazy("Progress is the metric's value over the plan's calendar year."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class MilestoneForm(Form):
    submit_once = True

    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    # Filled per request (owner_choices): the class body runs outside any tenant scope.
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=Membership.objects.none(),
        help_text=gettext_lazy("A user of your company or your account manager."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, owners: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = owners  # type: ignore[attr-defined]
        field.label_from_instance = selectors.owner_label  # type: ignore[attr-defined]


# -- Helpers --------------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def _partner(request: TenantRequest) -> Partner:
    partner = own_partner(request)
    assert isinstance(partner, Partner)
    return partner


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _plan(request: TenantRequest, year: int) -> BusinessPlan:
    plan = selectors.plan_of(partner=_partner(request), year=_year(year))
    if plan is None:
        raise Http404
    return plan


def _goal(request: TenantRequest, pk: int) -> PlanGoal:
    return get_object_or_404(selectors.goals_of(partner=_partner(request)), pk=pk)


def _milestone(request: TenantRequest, pk: int) -> PlanMilestone:
    return get_object_or_404(selectors.milestones_of(partner=_partner(request)), pk=pk)


def _save(
    request: TenantRequest,
    plan: BusinessPlan,
    change: Callable[[plans.PlanEditor], Any],
    *,
    form: forms.Form,
    done: str,
) -> HttpResponse | None:
    """Make a change typed in a form: the plan page on success, None on bad input (the
    service's errors are then beside the form's fields)."""
    try:
        with plans.plan_edit(actor=request.membership, plan=plan, ip=_ip(request)) as edit:
            change(edit)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
    messages.success(request, done)
    return redirect("partners:plan", plan.year)


def _act(
    request: TenantRequest,
    plan: BusinessPlan,
    change: Callable[[plans.PlanEditor], Any],
    *,
    done: str,
) -> HttpResponse:
    """Make a change from a button (remove, done, reopen): back to the plan page, with a
    message saying what happened or why not."""
    try:
        with plans.plan_edit(actor=request.membership, plan=plan, ip=_ip(request)) as edit:
            change(edit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("partners:plan", plan.year)


def _form_page(
    request: TenantRequest,
    *,
    plan: BusinessPlan | None,
    year: int,
    form: forms.Form,
    title: str,
    submit: str,
    delete_url: str = "",
) -> HttpResponse:
    return render(
        request,
        "partners/plans/form.html",
        {
            "plan": plan,
            "year": year,
            "form": form,
            "title": title,
            "submit": submit,
            "delete_url": delete_url,
        },
    )


# -- Pages ----------------------------------------------------------------------------------


@requires("portal.access")
def plan(request: TenantRequest, year: int) -> HttpResponse:
    partner, membership = _partner(request), request.membership
    today = timezone.localdate()
    current = selectors.plan_of(partner=partner, year=_year(year))
    editable = selectors.may_edit(membership, partner)
    context: dict[str, Any] = {
        "year": year,
        "plan": current,
        "may_edit": editable,
        "may_create": editable and year in selectors.plannable_years(today),
        "years": sorted(
            {*selectors.plan_years(partner=partner), *selectors.plannable_years(today)}
        ),
    }
    if current is not None:
        context["goals"] = selectors.goal_progress([current], tenant=request.tenant, today=today)[
            current.pk
        ]
        context["milestones"] = [
            (m, selectors.milestone_status(m, today), editable or m.owner_id == membership.pk)
            for m in current.milestones.all()
        ]
    return render(request, "partners/plans/plan.html", context)


@requires("portal.plan.edit")
def plan_create(request: TenantRequest, year: int) -> HttpResponse:
    partner = _partner(request)
    if selectors.plan_of(partner=partner, year=_year(year)) is not None:
        messages.info(request, _("Your company has a plan for %(year)s already.") % {"year": year})
        return redirect("partners:plan", year)
    form = PlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_create(
                actor=request.membership,
                partner=partner,
                year=year,
                summary=form.cleaned_data["summary"],
                ip=_ip(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The %(year)s plan is created: now add its goals and milestones.")
                % {"year": year},
            )
            return redirect("partners:plan", year)
    return _form_page(
        request,
        plan=None,
        year=year,
        form=form,
        title=_("Create the %(year)s business plan") % {"year": year},
        submit=_("Create the plan"),
    )


@requires("portal.plan.edit")
def plan_edit(request: TenantRequest, year: int) -> HttpResponse:
    current = _plan(request, year)
    form = PlanForm(posted(request), initial={"summary": current.summary})
    if request.method == "POST" and form.is_valid():
        summary = form.cleaned_data["summary"]
        response = _save(
            request,
            current,
            lambda edit: edit.summary_set(summary),
            done=_("The strategy is saved."),
            form=form,
        )
        if response is not None:
            return response
    return _form_page(
        request,
        plan=current,
        year=year,
        form=form,
        title=_("The strategy of the %(year)s plan") % {"year": year},
        submit=_("Save"),
    )


@requires("portal.plan.edit")
def goal_add(request: TenantRequest, year: int) -> HttpResponse:
    current = _plan(request, year)
    form = GoalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save(
            request,
            current,
            lambda edit: edit.goal_add(
                metric=data["metric"], target=data["target"], note=data["note"]
            ),
            done=_("The goal is added."),
            form=form,
        )
        if response is not None:
            return response
    return _form_page(
        request, plan=current, year=year, form=form, title=_("Add a goal"), submit=_("Add")
    )


@requires("portal.plan.edit")
def goal_edit(request: TenantRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    initial = {"metric": goal.metric, "target": goal.target, "note": goal.note}
    form = GoalForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save(
            request,
            goal.plan,
            lambda edit: edit.goal_change(
                goal, metric=data["metric"], target=data["target"], note=data["note"]
            ),
            done=_("The goal is saved."),
            form=form,
        )
        if response is not None:
            return response
    return _form_page(
        request,
        plan=goal.plan,
        year=goal.plan.year,
        form=form,
        title=_("Change the goal"),
        submit=_("Save"),
        delete_url=reverse("partners:plan_goal_delete", args=[goal.pk]),
    )


@require_POST
@requires("portal.plan.edit")
def goal_delete(request: TenantRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    return _act(
        request, goal.plan, lambda edit: edit.goal_remove(goal), done=_("The goal is removed.")
    )


def _milestone_form(request: TenantRequest, plan: BusinessPlan, **kwargs: Any) -> MilestoneForm:
    owners = selectors.owner_choices(partner=_partner(request), plan=plan)
    return MilestoneForm(posted(request), owners=owners, **kwargs)


@requires("portal.plan.edit")
def milestone_add(request: TenantRequest, year: int) -> HttpResponse:
    current = _plan(request, year)
    form = _milestone_form(request, current, initial={"owner": request.membership.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save(
            request,
            current,
            lambda edit: edit.milestone_add(
                title=data["title"], owner=data["owner"], due_on=data["due_on"], note=data["note"]
            ),
            done=_("The milestone is added."),
            form=form,
        )
        if response is not None:
            return response
    return _form_page(
        request, plan=current, year=year, form=form, title=_("Add a milestone"), submit=_("Add")
    )


@requires("portal.plan.edit")
def milestone_edit(request: TenantRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    initial = {
        "title": milestone.title,
        "owner": milestone.owner_id,
        "due_on": milestone.due_on,
        "note": milestone.note,
    }
    form = _milestone_form(request, milestone.plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save(
            request,
            milestone.plan,
            lambda edit: edit.milestone_change(
                milestone,
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
                note=data["note"],
            ),
            done=_("The milestone is saved."),
            form=form,
        )
        if response is not None:
            return response
    return _form_page(
        request,
        plan=milestone.plan,
        year=milestone.plan.year,
        form=form,
        title=_("Change the milestone"),
        submit=_("Save"),
        delete_url=reverse("partners:plan_milestone_delete", args=[milestone.pk]),
    )


@require_POST
@requires("portal.plan.edit")
def milestone_delete(request: TenantRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    return _act(
        request,
        milestone.plan,
        lambda edit: edit.milestone_remove(milestone),
        done=_("The milestone is removed."),
    )


@require_POST
@requires("portal.access")
def milestone_done(request: TenantRequest, pk: int) -> HttpResponse:
    # Reps may call this too: the editor lets a milestone's owner mark it, refuses others (403).
    milestone = _milestone(request, pk)
    return _act(
        request,
        milestone.plan,
        lambda edit: edit.milestone_done(milestone),
        done=_("“%(title)s” is done. Well done!") % {"title": milestone.title},
    )


@require_POST
@requires("portal.access")
def milestone_reopen(request: TenantRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    return _act(
        request,
        milestone.plan,
        lambda edit: edit.milestone_reopen(milestone),
        done=_("“%(title)s” is open again.") % {"title": milestone.title},
    )
