"""Onboarding in the vendor admin UI: plans with their steps, everyone's progress, and one
partner's checklist where a CAM ticks the manual steps."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.dates import format_day
from prm.forms import Form, ModelForm
from prm.security.client_ip import client_ip
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from ..models import OnboardingPlan, OnboardingStep, Partner, PartnerOnboarding, PartnerType
from ..onboarding import services, triggers
from ..onboarding.progress import may_tick, plan_for, progress_of, stalled_q, with_progress

# --- Plans and their steps ---------------------------------------------------------------------


class OnboardingPlanForm(ModelForm):
    # Declared with no rows: the class is built at import, outside any tenant scope; each request
    # fills in its tenant's types (get_form).
    partner_type = forms.ModelChoiceField(
        label=gettext_lazy("Partner type"),
        queryset=PartnerType.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Default plan: partners whose type has no plan —"),
    )

    class Meta:
        model = OnboardingPlan
        fields = ["name", "partner_type", "introduction", "stalled_after_days"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}

    def clean_partner_type(self) -> PartnerType | None:
        partner_type = self.cleaned_data.get("partner_type")
        # The constraint names the tenant, which is not a form field: check it here, by field.
        taken = OnboardingPlan.objects.filter(
            tenant=self.tenant,
            partner_type=partner_type,
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            if partner_type is None:
                raise ValidationError(_("There already is a default plan: edit that one."))
            raise ValidationError(
                _("%(type)s already has an onboarding plan: edit that one.")
                % {"type": partner_type}
            )
        return partner_type


class OnboardingStepForm(ModelForm):
    event = forms.ChoiceField(
        label=gettext_lazy("Event"),
        required=False,
        help_text=gettext_lazy("For automatic steps: what ticks the step."),
    )

    class Meta:
        model = OnboardingStep
        fields = ["position", "title", "description", "kind", "event"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 30})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *triggers.event_choices()]
        current = self.instance.event
        if current and current not in dict(choices):
            choices.append((current, current))  # an event no longer offered stays readable
        event_field = self.fields["event"]
        assert isinstance(event_field, forms.ChoiceField)
        event_field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OnboardingStep.Kind.MANUAL:
            data["event"] = ""  # a manual step is ticked by a CAM, never by an event
        elif data.get("kind") == OnboardingStep.Kind.AUTOMATIC and not data.get("event"):
            self.add_error("event", _("Choose the event that ticks this automatic step."))
        return data


class OnboardingStepInline(TenantInline):
    model = OnboardingStep
    form = OnboardingStepForm
    verbose_name = gettext_lazy("step")
    verbose_name_plural = gettext_lazy("steps, in this order")

    capabilities = {"edit": "partners.manage", "view": "partners.view"}


@admin.register(OnboardingPlan, site=tenant_admin_site)
class OnboardingPlanAdmin(TenantModelAdmin):
    """Editing a plan applies at once: partners on it see new steps (ticked when their history
    already holds the event) and lose deleted ones."""

    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "delete": "partners.manage",
    }
    form = OnboardingPlanForm
    list_display = [
        "name",
        "type_label",
        "step_count",
        "stalled_after_days",
        "in_progress",
        "completed",
    ]
    list_select_related = ["partner_type"]
    search_fields = ["name"]
    inlines = [OnboardingStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OnboardingPlan]:
        visible = visible_partners(membership_of(request))
        mine = Q(onboardings__partner__in=visible)
        return (
            super()
            .get_queryset(request)
            .annotate(
                step_total=Count("steps", distinct=True),
                open_total=Count(
                    "onboardings",
                    filter=mine & Q(onboardings__completed_at__isnull=True),
                    distinct=True,
                ),
                done_total=Count(
                    "onboardings",
                    filter=mine & Q(onboardings__completed_at__isnull=False),
                    distinct=True,
                ),
            )
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        tenant = tenant_of(request)

        class BoundForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.tenant = tenant
                if "partner_type" in self.fields:
                    self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)

        return BoundForm

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                inline_form.instance.tenant = tenant_of(request)
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Partners on the plan get its new steps (ticked from history) and lose deleted ones.
        services.onboarding_sync(tenant=tenant_of(request))

    @admin.display(description=gettext_lazy("partner type"), ordering="partner_type__name")
    def type_label(self, obj: OnboardingPlan) -> str:
        return obj.partner_type.name if obj.partner_type else _("Default (types without a plan)")

    @admin.display(description=gettext_lazy("steps"), ordering="step_total")
    def step_count(self, obj: OnboardingPlan) -> int:
        return obj.step_total  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("onboarding now"), ordering="open_total")
    def in_progress(self, obj: OnboardingPlan) -> int:
        return obj.open_total  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("completed"), ordering="done_total")
    def completed(self, obj: OnboardingPlan) -> int:
        return obj.done_total  # type: ignore[attr-defined]


# --- Everyone's progress -----------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, STALLED, COMPLETED = "not_started", "in_progress", "stalled", "completed"
STATES = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    STALLED: gettext_lazy("Stalled"),
    COMPLETED: gettext_lazy("Completed"),
}


def _state(obj: Any) -> str:
    """The state of an onboarding annotated by `with_progress` (as `StateFilter` filters)."""
    if obj.completed_at is not None:
        return COMPLETED
    if obj.next_step_id is not None and obj.stalls_at <= timezone.now():
        return STALLED
    return IN_PROGRESS if obj.done_steps else NOT_STARTED


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(STATES.items())

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PartnerOnboarding]
    ) -> QuerySet[PartnerOnboarding]:
        stalled = stalled_q(timezone.now())
        open_not_stalled = queryset.filter(completed_at__isnull=True).exclude(stalled)
        if self.value() == COMPLETED:
            return queryset.filter(completed_at__isnull=False)
        if self.value() == STALLED:
            return queryset.filter(stalled)
        if self.value() == NOT_STARTED:
            return open_not_stalled.filter(Q(done_steps=0))
        if self.value() == IN_PROGRESS:
            return open_not_stalled.filter(Q(done_steps__gt=0))
        return queryset


@admin.register(PartnerOnboarding, site=tenant_admin_site)
class PartnerOnboardingAdmin(TenantModelAdmin):
    """Each partner's way through its plan; a row opens the partner's checklist."""

    capabilities = {"view": "partners.view"}
    list_display = [
        "partner_link",
        "plan",
        "state",
        "progress",
        "started",
        "completed",
        "time_to_complete",
        "next_step",
    ]
    list_display_links = None
    list_filter = [StateFilter, "plan"]
    list_select_related = ["partner", "plan"]
    search_fields = ["partner__name"]
    date_hierarchy = "started_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerOnboarding]:
        visible = visible_partners(membership_of(request))
        return with_progress(super().get_queryset(request).filter(partner__in=visible))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Partners that entered onboarding since anything last looked appear at once.
        services.onboarding_sync(
            tenant=tenant_of(request), partners=visible_partners(membership_of(request))
        )
        return super().changelist_view(
            request, {"title": _("Onboarding progress"), **(extra_context or {})}
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        onboarding = self.get_object(request, unquote(object_id))  # 404 when not visible
        return redirect("admin:partners_partner_onboarding", onboarding.partner_id)

    @admin.display(description=gettext_lazy("partner"), ordering="partner__name")
    def partner_link(self, obj: PartnerOnboarding) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partners_partner_onboarding", args=[obj.partner_id]),
            obj.partner.name,
        )

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: PartnerOnboarding) -> str:
        return str(STATES[_state(obj)])

    @admin.display(description=gettext_lazy("progress"), ordering="done_steps")
    def progress(self, obj: PartnerOnboarding) -> str:
        done, total = obj.done_steps, obj.total_steps  # type: ignore[attr-defined]
        label = _("%(done)d of %(total)d steps done") % {"done": done, "total": total}
        return format_html(
            '<progress value="{}" max="{}" aria-label="{}"></progress> {}',
            done,
            total or 1,
            label,
            label,
        )

    @admin.display(description=gettext_lazy("started"), ordering="started_at")
    def started(self, obj: PartnerOnboarding) -> str:
        return format_day(obj.started_at)

    @admin.display(description=gettext_lazy("completed"), ordering="completed_at")
    def completed(self, obj: PartnerOnboarding) -> str:
        if obj.completed_at is None:
            return "—"
        return format_day(obj.completed_at)

    @admin.display(description=gettext_lazy("time to complete"))
    def time_to_complete(self, obj: PartnerOnboarding) -> str:
        days = obj.days_to_complete
        if days is None:
            return "—"
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}

    @admin.display(description=gettext_lazy("next step"))
    def next_step(self, obj: PartnerOnboarding) -> str:
        title = obj.next_step_title  # type: ignore[attr-defined]
        if obj.completed_at is not None or not title:
            return "—"
        if _state(obj) == STALLED:
            return format_html("{} <strong>({})</strong>", title, _("stalled"))
        return title


# --- One partner's checklist -------------------------------------------------------------------


class StepTickForm(Form):
    """Why the step is ticked (or unticked) by hand: required for an automatic step, which
    normally ticks itself when its event happens."""

    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Recorded in the partner's history with your name."),
    )

    def __init__(self, *args: Any, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        field.error_messages["required"] = _(
            "Say why you tick this step by hand: it usually ticks itself."
        )


@requires("partners.view")
def partner_onboarding(request: HttpRequest, partner_id: int) -> HttpResponse:
    """A partner's plan with progress; members who may tick see buttons on manual steps."""
    membership = membership_of(request)
    partner = get_object_or_404(
        visible_partners(membership).select_related("partner_type"), pk=partner_id
    )
    services.onboarding_sync(
        tenant=tenant_of(request), partners=Partner.objects.filter(pk=partner.pk)
    )
    onboarding = PartnerOnboarding.objects.filter(partner=partner).select_related("plan").first()
    progress = progress_of(onboarding) if onboarding else None
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Onboarding of %(partner)s") % {"partner": partner},
        "partner": partner,
        "opts": Partner._meta,
        "progress": progress,
        # (step state, what ticks it) in plan order
        "rows": [(st, triggers.event_label(st.step.event)) for st in progress.steps]
        if progress
        else [],
        "plan": plan_for(partner) if onboarding is None else onboarding.plan,
        "may_tick": may_tick(membership, partner),
        "may_manage_plans": membership.can("partners.manage"),
    }
    return TemplateResponse(request, "admin/partners/onboarding/partner.html", context)


def _step_of(request: HttpRequest, partner_id: int, step_id: int) -> tuple[Any, Partner, Any]:
    """The member, one of the partners they see, and a step of that partner's plan (404 else)."""
    membership = membership_of(request)
    partner = get_object_or_404(visible_partners(membership), pk=partner_id)
    step = get_object_or_404(
        OnboardingStep.objects.filter(
            tenant=tenant_of(request), plan__onboardings__partner=partner
        ),
        pk=step_id,
    )
    return membership, partner, step


def _tick_page(request: HttpRequest, partner_id: int, step_id: int, *, tick: bool) -> HttpResponse:
    """The page that ticks a step by hand (the reason required for an automatic step, whose
    event normally ticks it) or takes a hand-made tick back (the reason optional)."""
    membership, partner, step = _step_of(request, partner_id, step_id)
    service = services.onboarding_step_tick if tick else services.onboarding_step_untick
    done = (
        _("“%(step)s” is ticked; the partner's admins are told.")
        if tick
        else _("“%(step)s” is no longer ticked.")
    )

    def change(form: StepTickForm) -> Done:
        service(
            actor=membership,
            partner=partner,
            step=step,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
        return Done(done % {"step": step.title}, "admin:partners_partner_onboarding", [partner.pk])

    title = _("Tick “%(step)s”") if tick else _("Untick “%(step)s”")
    return form_page(
        request,
        form_class=StepTickForm,
        form_kwargs={"required": tick and not step.is_manual},
        on_valid=change,
        template="admin/partners/onboarding/tick.html",
        title=title % {"step": step.title},
        obj=partner,
        context={"step": step, "ticks": triggers.event_label(step.event), "untick": not tick},
    )


@requires("partners.onboarding.tick")
def step_tick(request: HttpRequest, partner_id: int, step_id: int) -> HttpResponse:
    """Tick one step of a partner's plan by hand: a manual step, or an automatic one whose
    event will not come, with the reason (required for the latter)."""
    return _tick_page(request, partner_id, step_id, tick=True)


@requires("partners.onboarding.tick")
def step_untick(request: HttpRequest, partner_id: int, step_id: int) -> HttpResponse:
    """Take back a tick made by hand, saying why if the member wants to."""
    return _tick_page(request, partner_id, step_id, tick=False)


tenant_admin_site.register_view(
    "partners/partner/<int:partner_id>/onboarding/",
    partner_onboarding,
    "partners_partner_onboarding",
)
tenant_admin_site.register_view(
    "partners/partner/<int:partner_id>/onboarding/steps/<int:step_id>/tick/",
    step_tick,
    "partners_partner_onboarding_tick",
)
tenant_admin_site.register_view(
    "partners/partner/<int:partner_id>/onboarding/steps/<int:step_id>/untick/",
    step_untick,
    "partners_partner_onboarding_untick",
)
