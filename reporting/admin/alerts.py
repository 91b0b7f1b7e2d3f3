"""KPI alerts in the vendor admin UI (C): the alert rules (leaders and partner operations:
`reporting.alerts.manage`), the alerts (everyone with `reporting.alerts.view`: a CAM sees the
alerts addressed to them about their partners, leaders and partner ops every alert), an alert's
page with its history, and the acknowledge and snooze confirm pages.

Every alert page finds its alert through `alerts_visible_to`, so another tenant's, or an alert
about a partner a CAM does not manage, answers 404.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.exchange.services import tenant_today
from prm.forms import Form, ModelForm
from prm.metrics import registry
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page, time_tag

from ..alerts.rules import window_of
from ..alerts.services import (
    ALERTS,
    MAX_NOTE,
    MAX_SNOOZE_DAYS,
    alert_acknowledge,
    alert_snooze,
    alerts_visible_to,
    may_act,
)
from ..alerts.sweep import Context, findings
from ..models import Alert, AlertRule
from ..notifications import shown_value

R = AlertRule
PARTNER_SCOPES = (R.Scope.PARTNER, R.Scope.TIER, R.Scope.SEGMENT)
#: the last week of each window a "from week" may name
LAST_WEEK = {R.Window.MONTH: 4, R.Window.QUARTER: 13, R.Window.YEAR: 52}


class AlertRuleForm(ModelForm):
    """A rule, checked as a whole: each wrong input gets a sentence beside its field."""

    metric = forms.ChoiceField(label=gettext_lazy("metric"), choices=registry.choices)

    class Meta:
        model = AlertRule
        # the admin adds the rest from its fieldsets, the tier, segment and person limited to
        # the tenant's (`formfield_for_foreignkey`)
        fields = ["name", "metric"]
        help_texts = {
            "tier": gettext_lazy("For “each partner of a tier”."),
            "segment": gettext_lazy("For “each partner of a segment”."),
            "threshold": gettext_lazy(
                "The value the metric is compared with, in its unit (24 hours, 40 for 40%); "
                "for a change, the percentage. Not used for the tier's requirement."
            ),
            "trailing_days": gettext_lazy("For “the last N days”: how many days."),
            "owner_member": gettext_lazy("For “a named person”: a member of your staff."),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        errors: dict[str, str] = {}
        scope, comparison = data.get("scope"), data.get("comparison")
        if scope == R.Scope.TIER and not data.get("tier"):
            errors["tier"] = _("Choose the tier whose partners the rule watches.")
        if scope == R.Scope.SEGMENT and not data.get("segment"):
            errors["segment"] = _("Choose the segment whose partners the rule watches.")
        if scope != R.Scope.TIER:
            data["tier"] = None
        if scope != R.Scope.SEGMENT:
            data["segment"] = None
        threshold = data.get("threshold")
        if comparison == R.Comparison.BELOW_TIER:
            if scope and scope not in PARTNER_SCOPES:
                errors["comparison"] = _(
                    "Only a partner has a tier: use this comparison with each partner, each "
                    "partner of a tier or of a segment."
                )
            data["threshold"] = None
        elif comparison and threshold is None:
            errors["threshold"] = _("Enter the value to compare with.")
        elif comparison in (R.Comparison.DROP, R.Comparison.RISE) and (threshold or 0) <= 0:
            errors["threshold"] = _("Enter a percentage above 0 (20 for a change of 20%).")
        window = data.get("window")
        if window == R.Window.TRAILING:
            if not data.get("trailing_days"):
                errors["trailing_days"] = _("Enter how many days the window covers.")
            if data.get("from_week"):
                errors["from_week"] = _("A trailing window has no weeks: leave this empty.")
        elif window:
            data["trailing_days"] = None
            week = data.get("from_week")
            if week is not None and week > LAST_WEEK[R.Window(window)]:
                errors["from_week"] = _("The period has only %(n)s weeks.") % {
                    "n": LAST_WEEK[R.Window(window)]
                }
        owner = data.get("owner")
        if owner == R.Owner.USER and not data.get("owner_member"):
            errors["owner_member"] = _("Choose who is told.")
        if owner != R.Owner.USER:
            data["owner_member"] = None
        if owner == R.Owner.CAMS and scope == R.Scope.PROGRAM:
            errors["owner"] = _(
                "The program has no CAM of its own: tell the program leaders or a named person."
            )
        for name, message in errors.items():
            self.add_error(name, message)
        return data


def _rule_summary(rule: AlertRule) -> str:
    """“Deals active partners below 1 · the last 60 days”."""
    try:
        metric = str(registry.get(rule.metric).label)
    except ValueError:
        metric = rule.metric
    comparison = rule.get_comparison_display()
    what = f"{metric} · {comparison}"
    if rule.comparison != R.Comparison.BELOW_TIER and rule.threshold is not None:
        what += f" {rule.threshold.normalize():f}"
    if rule.window == R.Window.TRAILING:
        window = _("the last %(n)s days") % {"n": rule.trailing_days}
    else:
        window = rule.get_window_display()
    if rule.from_week:
        window += " · " + _("from week %(n)s") % {"n": rule.from_week}
    return f"{what} · {window}"


@admin.register(AlertRule, site=tenant_admin_site)
class AlertRuleAdmin(TenantModelAdmin):
    """Alert rules: made and changed by leaders and partner operations."""

    capabilities = {
        "view": "reporting.alerts.manage",
        "add": "reporting.alerts.manage",
        "change": "reporting.alerts.manage",
        "delete": "reporting.alerts.manage",
    }
    changelist_title = gettext_lazy("KPI alert rules")
    form = AlertRuleForm
    list_display = ["name", "condition", "scope", "owner", "channel", "open_alerts", "active"]
    key_columns = ("active",)
    list_filter = ["is_active", "scope"]
    search_fields = ["name"]
    menu_position = 20
    change_form_template = "admin/reporting/alertrule/change_form.html"
    change_list_template = "admin/reporting/alertrule/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "metric", "is_active"]}),
        (gettext_lazy("Who the rule watches"), {"fields": ["scope", "tier", "segment"]}),
        (
            gettext_lazy("When it fires"),
            {"fields": ["comparison", "threshold", "window", "trailing_days", "from_week"]},
        ),
        (gettext_lazy("When it resolves"), {"fields": ["resolve_margin", "resolve_after"]}),
        (gettext_lazy("Who is told, and how"), {"fields": ["owner", "owner_member", "channel"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertRule]:
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(n_open=Count("alerts", filter=~Q(alerts__state=Alert.State.RESOLVED)))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner_member":
            # a staff member of this tenant (partner users are never a rule's owner)
            kwargs["queryset"] = (
                Membership.objects.filter(
                    tenant=tenant_of(request), partner__isnull=True, is_active=True
                )
                .select_related("user")
                .order_by("user__email")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("condition"))
    def condition(self, obj: AlertRule) -> str:
        return _rule_summary(obj)

    @admin.display(description=gettext_lazy("open alerts"), ordering="n_open")
    def open_alerts(self, obj: AlertRule) -> Any:
        n = getattr(obj, "n_open", 0)
        if not n:
            return "0"
        url = reverse("admin:reporting_alert_changelist")
        from django.utils.html import format_html

        return format_html('<a href="{}?rule={}&amp;state=open">{}</a>', url, obj.pk, n)

    @admin.display(description=gettext_lazy("status"), ordering="is_active")
    def active(self, obj: AlertRule) -> Any:
        return (
            badge("status-approved", _("Active")) if obj.is_active else badge("none", _("Paused"))
        )

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context["preview"] = rule_preview(obj)
        return super().render_change_form(request, context, *args, **kwargs)


def rule_preview(rule: AlertRule) -> dict[str, Any]:
    """“Would fire now for N subjects”: the rule evaluated today (one `evaluate`)."""
    tenant = rule.tenant
    today = tenant_today(tenant)
    found = findings(rule, Context(tenant), today)
    window = window_of(rule, today, tenant.fiscal_year_start).current
    if found is None:
        return {"waiting": True, "window": window}
    holding = [f for f in found if f.verdict.holds]
    return {
        "waiting": False,
        "window": window,
        "subjects": len(found),
        "holding": len(holding),
        "examples": [f.label for f in holding[:10]],
    }


class MineFilter(admin.SimpleListFilter):
    """The alerts addressed to the member (a CAM sees only those anyway)."""

    title = gettext_lazy("addressed to")
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", _("You"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "1":
            return queryset.filter(owner_ids__contains=[membership_of(request).pk])
        return queryset


class RuleFilter(admin.SimpleListFilter):
    title = gettext_lazy("rule")
    parameter_name = "rule"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        rules = AlertRule.objects.filter(tenant=tenant_of(request)).values_list("pk", "name")
        return [(str(pk), name) for pk, name in rules[:100]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from prm.filters import parse_id

        pk = parse_id(self.value() or "")
        return queryset.filter(rule_id=pk) if pk is not None else queryset


@admin.register(Alert, site=tenant_admin_site)
class AlertAdmin(TenantModelAdmin):
    """Alerts: read-only; the sweep opens and resolves them, owners acknowledge and snooze."""

    capabilities = {"view": "reporting.alerts.view"}
    changelist_title = gettext_lazy("KPI alerts")
    list_display = ["about", "rule_name", "figure", "opened", "last_checked", "state_badge"]
    list_display_links = ["about"]
    key_columns = ("state_badge",)
    list_filter = ["state", MineFilter, RuleFilter, VisiblePartnerFilter]
    search_fields = ["subject_label", "rule__name"]
    list_per_page = 50
    show_full_result_count = False
    fields = ["subject_label"]
    readonly_fields = ["subject_label"]
    menu_position = 10
    change_list_template = "admin/reporting/alert/change_list.html"
    change_form_template = "admin/reporting/alert/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return alerts_visible_to(membership_of(request)).select_related("rule", "tenant")

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        unresolved_first = Case(
            When(state=Alert.State.RESOLVED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return [unresolved_first, "-opened_at", "-id"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        membership = membership_of(request)
        extra = {"manages_rules": membership.can("reporting.alerts.manage")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.display(description=gettext_lazy("about"), ordering="subject_label")
    def about(self, obj: Alert) -> str:
        return obj.subject_label

    @admin.display(description=gettext_lazy("rule"), ordering="rule__name")
    def rule_name(self, obj: Alert) -> str:
        return obj.rule.name

    @admin.display(description=gettext_lazy("value / threshold"))
    def figure(self, obj: Alert) -> str:
        return f"{shown_value(obj, obj.value)} / {shown_value(obj, _threshold(obj))}"

    @admin.display(description=gettext_lazy("opened"), ordering="opened_at")
    def opened(self, obj: Alert) -> Any:
        return time_tag(obj.opened_at)

    @admin.display(description=gettext_lazy("last checked"), ordering="last_evaluated_at")
    def last_checked(self, obj: Alert) -> Any:
        return time_tag(obj.last_evaluated_at)

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, obj: Alert) -> Any:
        kind = {
            Alert.State.OPEN: "warning",
            Alert.State.ACKNOWLEDGED: "info",
            Alert.State.RESOLVED: "status-approved",
        }[Alert.State(obj.state)]
        text = obj.get_state_display()
        if obj.is_open and obj.snoozed_until and obj.snoozed_until >= tenant_today(obj.tenant):
            text = _("%(state)s, snoozed") % {"state": text}
        return badge(kind, text)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            membership = membership_of(request)
            acts = may_act(membership, obj)
            context.update(
                {
                    "title": str(obj),
                    "subtitle": None,
                    **summary_context(membership, obj),
                    "history": [
                        (line, shown_value(obj, line.value))
                        for line in obj.history.select_related("by__user")
                    ],
                    "episodes": Alert.objects.filter(
                        tenant_id=obj.tenant_id, rule_id=obj.rule_id, subject_key=obj.subject_key
                    )
                    .exclude(pk=obj.pk)
                    .order_by("-opened_at")[:20],
                    "may_acknowledge": acts and ALERTS.allowed(obj, "acknowledge"),
                    "may_snooze": acts and ALERTS.allowed(obj, "snooze"),
                }
            )
        return super().render_change_form(request, context, *args, **kwargs)


def summary_context(membership: Membership, alert: Alert) -> dict[str, Any]:
    """What the alert's summary (its page and confirm pages) shows."""
    return {
        "alert": alert,
        "summary": _rule_summary(alert.rule),
        "value_text": shown_value(alert, alert.value),
        "threshold_text": shown_value(alert, _threshold(alert)),
        "manages_rules": membership.can("reporting.alerts.manage"),
    }


def _threshold(alert: Alert) -> Decimal | None:
    """The threshold as the rule reads it (a drop of 20% is -20%)."""
    if alert.threshold is not None and alert.rule.comparison == R.Comparison.DROP:
        return -alert.threshold
    return alert.threshold


class AcknowledgeForm(Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Optional: what you are doing about it (kept in the history)."),
    )


class SnoozeForm(Form):
    until = forms.DateField(
        label=gettext_lazy("Snooze until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "No reminder until then (at most 90 days). The alert still resolves when the "
            "figure recovers."
        ),
    )


def _alert_for(request: HttpRequest, pk: int) -> Alert:
    return get_object_or_404(
        alerts_visible_to(membership_of(request)).select_related("rule", "tenant"), pk=pk
    )


@requires("reporting.alerts.view")
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge an open alert (confirm page)."""
    membership = membership_of(request)
    alert = _alert_for(request, pk)
    page = reverse("admin:reporting_alert_change", args=[alert.pk])
    if not (may_act(membership, alert) and ALERTS.allowed(alert, "acknowledge")):
        messages.info(request, _("This alert cannot be acknowledged now: it is %(state)s.")
                      % {"state": alert.get_state_display().lower()})  # fmt: skip
        return redirect(page)

    def on_valid(form: AcknowledgeForm) -> Done:
        alert_acknowledge(actor=membership, alert=alert, note=form.cleaned_data["note"])
        return Done(_("You acknowledged the alert; it stays open until it resolves."), page)

    return form_page(
        request,
        form_class=AcknowledgeForm,
        on_valid=on_valid,
        template="admin/reporting/alert/acknowledge.html",
        title=_("Acknowledge: %(alert)s") % {"alert": alert},
        obj=alert,
        context={**summary_context(membership, alert), "cancel_url": page},
    )


@requires("reporting.alerts.view")
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    """Snooze an open alert until a day (confirm page)."""
    membership = membership_of(request)
    alert = _alert_for(request, pk)
    page = reverse("admin:reporting_alert_change", args=[alert.pk])
    if not (may_act(membership, alert) and ALERTS.allowed(alert, "snooze")):
        messages.info(request, _("This alert cannot be snoozed now: it is %(state)s.")
                      % {"state": alert.get_state_display().lower()})  # fmt: skip
        return redirect(page)

    def on_valid(form: SnoozeForm) -> Done:
        until = form.cleaned_data["until"]
        alert_snooze(actor=membership, alert=alert, until=until)
        return Done(_("The alert is snoozed; no reminder until then."), page)

    today = tenant_today(alert.tenant)
    return form_page(
        request,
        form_class=SnoozeForm,
        form_kwargs={"initial": {"until": today + timedelta(days=7)}},
        on_valid=on_valid,
        template="admin/reporting/alert/snooze.html",
        title=_("Snooze: %(alert)s") % {"alert": alert},
        obj=alert,
        context={
            **summary_context(membership, alert),
            "cancel_url": page,
            "max_days": MAX_SNOOZE_DAYS,
        },
    )
