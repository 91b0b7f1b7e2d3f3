"""Incentives in the vendor admin UI: SPIF campaigns (with their budget and awards), the sign-off
queue of waiting awards, tier bonus rules and their period run, and rewards that are not money.

Pages resolve their objects through the selectors of `commissions.incentives` (404 otherwise)
and call one service each.
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.admin.common import object_pk
from prm.dates import format_day
from prm.filters import parse_id
from prm.forms import Form, ModelForm
from prm.metrics import registry
from prm.money import format_money
from prm.pagination import DeferredJoinPaginator
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, tenant_of
from prm.workflow import lock_row
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page

from ..incentives import bonuses, rewards, spifs
from ..models import Reward, SpifAward, SpifCampaign, TierBonusRule

#: the fields a campaign with awards keeps: its awards were made by them
FIXED_ONCE_AWARDED = ("rule", "product", "threshold", "reward", "amount", "rate", "currency")
QUEUE_PAGE = 50


class SpifCampaignForm(ModelForm):
    """A campaign: each inconsistent combination is said beside its field."""

    class Meta:
        model = SpifCampaign
        # The segment and the product (foreign keys) are added by the admin for each request,
        # with the tenant's rows only (`TenantModelAdmin.formfield_for_foreignkey`): a form
        # class is built at import, outside any tenant scope.
        fields = [
            "name",
            "description",
            "starts_on",
            "ends_on",
            "rule",
            "threshold",
            "reward",
            "amount",
            "rate",
            "currency",
            "budget",
            "sign_off",
        ]
        help_texts = {
            "product": gettext_lazy("For a campaign earned by a product's won deals."),
            "threshold": gettext_lazy(
                "For a campaign earned above an amount: a deal's final amount must be above "
                "it, in the campaign's currency (a deal in another currency never is)."
            ),
            "amount": gettext_lazy("For a fixed reward, in the campaign's currency."),
            "rate": gettext_lazy(
                "For a percent reward: of the deal's final amount. Only deals in the "
                "campaign's currency earn a percent reward, so the budget always holds."
            ),
            "budget": gettext_lazy("Awards stop once the next one would not fit."),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data

        def value(name: str) -> Any:
            # a field fixed once awarded is not in the form: the campaign's own value counts
            return data.get(name) if name in self.fields else getattr(self.instance, name)

        problems = spifs.campaign_problems(
            rule=value("rule"),
            product=value("product"),
            threshold=value("threshold"),
            reward=value("reward"),
            amount=value("amount"),
            rate=value("rate"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            budget=data.get("budget"),
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        budget = data.get("budget")
        if self.instance.pk and budget is not None and budget < self.instance.awarded:
            self.add_error(
                "budget",
                _(
                    "Awards already reserve %(awarded)s of this campaign: the budget cannot be "
                    "lower."
                )
                % {"awarded": format_money(self.instance.awarded, self.instance.currency)},
            )
        return data


@admin.register(SpifCampaign, site=tenant_admin_site)
class SpifCampaignAdmin(TenantModelAdmin):
    """SPIF campaigns: partner operations and program leaders set them up. No delete (awards
    name their campaign); a campaign with awards keeps what its awards were made by."""

    capabilities = {
        "view": "commissions.manage",
        "add": "commissions.manage",
        "change": "commissions.manage",
    }
    menu_position = 40
    form = SpifCampaignForm
    list_display = ["name", "period_text", "earned_by", "pays", "budget_used", "sign_off", "state"]
    list_filter = ["rule", "sign_off"]
    search_fields = ["name"]
    list_per_page = 50
    change_form_template = "admin/commissions/spifcampaign/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "description", "starts_on", "ends_on", "segment"]}),
        (gettext_lazy("What earns it"), {"fields": ["rule", "product", "threshold"]}),
        (
            gettext_lazy("What it pays"),
            {"fields": ["reward", "amount", "rate", "currency", "budget", "sign_off"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SpifCampaign]:
        return super().get_queryset(request).select_related("product", "segment")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk and obj.awards.exists():
            return list(FIXED_ONCE_AWARDED)
        return []

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "currency": tenant_of(request).default_currency,
            "starts_on": timezone.localdate(),
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request: HttpRequest, obj: SpifCampaign, form: Any, change: bool) -> None:
        """Under the campaign's row lock (awards take it too): a budget lowered while a deal is
        won still covers what is reserved; `awarded` is the row's, never the form's copy."""
        if change:
            locked = lock_row(obj)
            if obj.budget < locked.awarded:
                raise ValidationError(
                    {
                        "budget": _(
                            "Awards already reserve %(awarded)s of this campaign: the budget "
                            "cannot be lower."
                        )
                        % {"awarded": format_money(locked.awarded, locked.currency)}
                    }
                )
            obj.awarded = locked.awarded
        else:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            awards = list(
                spifs.awards_visible_to(membership_of(request))
                .filter(campaign=obj)
                .select_related("partner", "deal")
                .order_by("-created_at", "-id")[:100]
            )
            context.update(
                {
                    "campaign": obj,
                    "awards": awards,
                    "awarded_text": format_money(obj.awarded, obj.currency),
                    "budget_text": format_money(obj.budget, obj.currency),
                    "remaining_text": format_money(obj.remaining, obj.currency),
                    "used_percent": int(obj.awarded * 100 / obj.budget) if obj.budget else 0,
                    "fixed_once_awarded": bool(awards),
                }
            )
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=gettext_lazy("period"), ordering="starts_on")
    def period_text(self, obj: SpifCampaign) -> str:
        return f"{format_day(obj.starts_on)} - {format_day(obj.ends_on)}"

    @admin.display(description=gettext_lazy("earned by"), ordering="rule")
    def earned_by(self, obj: SpifCampaign) -> str:
        return spifs.rule_text(obj)

    @admin.display(description=gettext_lazy("pays"))
    def pays(self, obj: SpifCampaign) -> str:
        return spifs.pays_text(obj)

    @admin.display(description=gettext_lazy("budget used"), ordering="awarded")
    def budget_used(self, obj: SpifCampaign) -> str:
        return _("%(awarded)s of %(budget)s") % {
            "awarded": format_money(obj.awarded, obj.currency),
            "budget": format_money(obj.budget, obj.currency),
        }

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: SpifCampaign) -> str:
        today = timezone.localdate()
        if obj.starts_on > today:
            return badge("info", _("upcoming"))
        if obj.ends_on < today:
            return badge("none", _("ended"))
        if obj.remaining <= 0:
            return badge("warning", _("budget used up"))
        return badge("status-approved", _("running"))


# The sign-off queue


def _award(request: HttpRequest, pk: str) -> SpifAward:
    return get_object_or_404(
        spifs.awards_visible_to(membership_of(request)).select_related(
            "campaign", "partner", "deal"
        ),
        pk=object_pk(pk),
    )


@requires("commissions.approve")
def spif_queue(request: HttpRequest) -> HttpResponse:
    """The awards waiting for sign-off, oldest first, 50 a page; tick some to approve them
    together (a confirm page lists them first)."""
    membership = membership_of(request)
    waiting = spifs.waiting_awards(membership)
    context: dict[str, Any] = {
        **tenant_admin_site.each_context(request),
        "opts": SpifAward._meta,
    }
    if request.method == "POST":
        ids = {i for i in (parse_id(v) for v in request.POST.getlist("award")) if i is not None}
        ticked = list(waiting.filter(pk__in=ids)) if ids else []
        if not ticked:
            messages_user(request, _("Tick the awards to approve first."), error=True)
            return redirect("admin:commissions_spif_queue")
        if "confirm" in request.POST:
            done = spifs.awards_approve(actor=membership, awards=ticked)
            messages_user(
                request,
                ngettext(
                    "%(n)d award approved: its partner is told.",
                    "%(n)d awards approved: their partners are told.",
                    done,
                )
                % {"n": done},
            )
            return redirect("admin:commissions_spif_queue")
        return TemplateResponse(
            request,
            "admin/commissions/spifaward/approve_many.html",
            {**context, "title": _("Approve %(n)d SPIF awards") % {"n": len(ticked)},
             "awards": ticked},
        )  # fmt: skip
    paginator = DeferredJoinPaginator(waiting, QUEUE_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    context.update(
        {
            "title": _("SPIF awards to sign off"),
            "page": page,
            "awards": list(page.object_list),
            "count": paginator.count,
        }
    )
    return TemplateResponse(request, "admin/commissions/spifaward/queue.html", context)


def messages_user(request: HttpRequest, text: str, *, error: bool = False) -> None:
    messages.add_message(request, messages.ERROR if error else messages.SUCCESS, text)


class ConfirmForm(Form):
    """Nothing to type: the page is the confirmation."""


class DeclineForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("reason (the partner reads it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def _award_context(award: SpifAward) -> dict[str, Any]:
    return {
        "award": award,
        "cancel_url": reverse("admin:commissions_spif_queue"),
        "amount_text": format_money(award.amount, award.currency),
        "remaining_text": format_money(award.campaign.remaining, award.campaign.currency),
    }


@requires("commissions.approve")
def award_approve(request: HttpRequest, pk: str) -> HttpResponse:
    """Approve one waiting award (confirmed first): its line is posted, the partner told."""
    award = _award(request, pk)
    membership = membership_of(request)

    def on_valid(form: ConfirmForm) -> Done:
        spifs.award_approve(actor=membership, award=award)
        return Done(
            _("%(partner)s's award of %(amount)s is approved.")
            % {"partner": award.partner.name, "amount": format_money(award.amount, award.currency)},
            "admin:commissions_spif_queue",
        )

    return form_page(
        request,
        title=_("Approve the SPIF award of %(partner)s") % {"partner": award.partner.name},
        template="admin/commissions/spifaward/decide.html",
        opts=SpifAward._meta,
        form_class=ConfirmForm,
        on_valid=on_valid,
        context={**_award_context(award), "action": "approve"},
    )


@requires("commissions.approve")
def award_decline(request: HttpRequest, pk: str) -> HttpResponse:
    """Decline one waiting award with a reason: its reservation goes back to the budget."""
    award = _award(request, pk)
    membership = membership_of(request)

    def on_valid(form: DeclineForm) -> Done:
        spifs.award_decline(actor=membership, award=award, reason=form.cleaned_data["reason"])
        return Done(
            _("%(partner)s's award is declined; %(amount)s is back in the budget.")
            % {"partner": award.partner.name, "amount": format_money(award.amount, award.currency)},
            "admin:commissions_spif_queue",
        )

    return form_page(
        request,
        title=_("Decline the SPIF award of %(partner)s") % {"partner": award.partner.name},
        template="admin/commissions/spifaward/decide.html",
        opts=SpifAward._meta,
        form_class=DeclineForm,
        on_valid=on_valid,
        context={**_award_context(award), "action": "decline"},
    )


def campaign_link(campaign: SpifCampaign) -> str:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:commissions_spifcampaign_change", args=[campaign.pk]),
        campaign.name,
    )


# Tier bonuses


def metric_choices() -> list[tuple[str, str]]:
    """The core registry's metrics, by their labels (read when a form is made: apps register
    their metrics when they are ready)."""
    return [(m.name, str(m.label)) for m in registry.all_metrics()]


class TierBonusRuleForm(ModelForm):
    """A bonus rule; its metric is chosen among the registry's."""

    metric = forms.ChoiceField(label=gettext_lazy("metric"), choices=metric_choices)

    class Meta:
        model = TierBonusRule
        # the tier (a foreign key) is added by the admin for each request, with the tenant's rows
        fields = ["name", "metric", "threshold", "period", "amount", "currency", "active"]
        help_texts = {
            "threshold": gettext_lazy(
                "The metric's value over the period a partner must reach (money metrics in the "
                "program's currency)."
            ),
        }


@admin.register(TierBonusRule, site=tenant_admin_site)
class TierBonusRuleAdmin(TenantModelAdmin):
    """Tier bonus rules: partner operations set them up; a period's bonuses are paid from the
    bonus run (`bonus_run`) or by beat once the period ends."""

    capabilities = {
        "view": "commissions.manage",
        "add": "commissions.manage",
        "change": "commissions.manage",
    }
    menu_position = 42
    form = TierBonusRuleForm
    list_display = ["name", "tier_text", "metric_text", "threshold", "period", "bonus", "active"]
    list_filter = ["period", "active"]
    search_fields = ["name"]
    fields = ["name", "tier", "metric", "threshold", "period", "amount", "currency", "active"]
    change_list_template = "admin/commissions/tierbonusrule/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TierBonusRule]:
        return super().get_queryset(request).select_related("tier")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "currency": tenant_of(request).default_currency,
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=gettext_lazy("tier"), ordering="tier__name")
    def tier_text(self, obj: TierBonusRule) -> str:
        return obj.tier.name if obj.tier is not None else _("Every tier")

    @admin.display(description=gettext_lazy("metric"), ordering="metric")
    def metric_text(self, obj: TierBonusRule) -> str:
        try:
            return str(registry.get(obj.metric).label)
        except ValueError:
            return obj.metric

    @admin.display(description=gettext_lazy("bonus"), ordering="amount")
    def bonus(self, obj: TierBonusRule) -> str:
        return format_money(obj.amount, obj.currency)


def ended_periods(today: date) -> list[tuple[str, str]]:
    """The periods a bonus run offers: the last four quarters and the last two years ended."""
    options = []
    end = today
    for _n in range(4):
        quarter = bonuses.last_ended(TierBonusRule.Period.QUARTER, end)
        options.append((f"quarter:{quarter.start.isoformat()}", _period_label("quarter", quarter)))
        end = quarter.start
    end = today
    for _n in range(2):
        year = bonuses.last_ended(TierBonusRule.Period.YEAR, end)
        options.append((f"year:{year.start.isoformat()}", _period_label("year", year)))
        end = year.start
    return options


def _period_label(kind: str, period: Any) -> str:
    if kind == "year":
        return _("Year %(year)d") % {"year": period.start.year}
    return _("Q%(q)d %(year)d (%(start)s to %(end)s)") % {
        "q": (period.start.month - 1) // 3 + 1,
        "year": period.start.year,
        "start": format_day(period.start),
        "end": format_day(period.end),
    }


class BonusRunForm(Form):
    rule = forms.ChoiceField(label=gettext_lazy("bonus"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("period (ended)"))

    def __init__(self, *args: Any, rules: list[TierBonusRule], today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        rule_field = self.fields["rule"]
        period_field = self.fields["period"]
        assert isinstance(rule_field, forms.ChoiceField)
        assert isinstance(period_field, forms.ChoiceField)
        rule_field.choices = [("", _("Every active bonus of that period"))] + [
            (str(r.pk), f"{r.name} ({r.get_period_display()})") for r in rules
        ]
        period_field.choices = ended_periods(today)
        self.rules = {str(r.pk): r for r in rules}

    def chosen(self) -> tuple[list[TierBonusRule], Any]:
        """The rules and the period chosen (the rules of the period's kind)."""
        kind, start = self.cleaned_data["period"].split(":")
        period = bonuses.period_of(kind, date.fromisoformat(start))
        picked = self.cleaned_data.get("rule")
        rules = [self.rules[picked]] if picked else [r for r in self.rules.values() if r.active]
        return [r for r in rules if r.period == kind], period


@requires("commissions.approve")
def bonus_run(request: HttpRequest) -> HttpResponse:
    """Choose a bonus (or all) and an ended period, preview who meets it, then pay (confirmed:
    the second submit posts the lines; a period is paid once, however often it is run)."""
    membership = membership_of(request)
    tenant = tenant_of(request)
    today = timezone.localdate()
    rules = list(TierBonusRule.objects.filter(tenant=tenant).order_by("name"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = BonusRunForm(data, rules=rules, today=today)
    rows: list[bonuses.BonusRow] = []
    chosen_rules: list[TierBonusRule] = []
    period = None
    if data is not None and form.is_valid():
        chosen_rules, period = form.chosen()
        if request.method == "POST" and "pay" in request.POST:
            try:
                posted = bonuses.bonus_post(
                    tenant=tenant, rules=chosen_rules, period=period, actor=membership, today=today
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages_user(
                    request,
                    ngettext(
                        "%(n)d tier bonus paid: it goes on the partner's next statement.",
                        "%(n)d tier bonuses paid: they go on the partners' next statements.",
                        len(posted),
                    )
                    % {"n": len(posted)},
                )
                return redirect("admin:commissions_tierbonusrule_changelist")
        rows = bonuses.bonus_preview(tenant=tenant, rules=chosen_rules, period=period)
    return TemplateResponse(
        request,
        "admin/commissions/tierbonusrule/run.html",
        {
            **tenant_admin_site.each_context(request),
            "title": _("Pay tier bonuses"),
            "opts": TierBonusRule._meta,
            "form": form,
            "rules": rules,
            "chosen_rules": chosen_rules,
            "period": period,
            "rows": rows,
            "due": [r for r in rows if not r.paid],
            "previewed": period is not None,
        },
    )


# Rewards


class RewardForm(ModelForm):
    submit_once = True

    class Meta:
        model = Reward
        # the partner and the campaign (foreign keys) are added by the admin for each request
        fields = ["kind", "title", "note", "given_on"]


@admin.register(Reward, site=tenant_admin_site)
class RewardAdmin(TenantModelAdmin):
    """Recognition and event invitations given to partners (recorded, shown in the portal, the
    partner's admins told). A reward is given, not edited: a mistake is fixed by a new one."""

    capabilities = {"view": "commissions.manage", "add": "commissions.manage"}
    menu_position = 44
    form = RewardForm
    list_display = ["title", "partner", "kind", "given_on", "campaign"]
    list_filter = ["kind"]
    search_fields = ["title", "partner__name"]
    fields = ["partner", "kind", "title", "note", "given_on", "campaign"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reward]:
        return super().get_queryset(request).select_related("partner", "campaign")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "given_on": timezone.localdate(),
            **super().get_changeform_initial_data(request),
        }
        partner = parse_id(request.GET.get("partner"))
        initial["partner"] = partner if partner is not None else initial.get("partner")
        return initial

    def save_model(self, request: HttpRequest, obj: Reward, form: Any, change: bool) -> None:
        """Through the one service (audited, the partner told)."""
        rewards.reward_give(
            actor=membership_of(request),
            partner=obj.partner,
            kind=obj.kind,
            title=obj.title,
            note=obj.note,
            given_on=obj.given_on,
            campaign=obj.campaign,
            reward=obj,
        )
