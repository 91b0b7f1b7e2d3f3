"""Reading onboarding progress: one partner's checklist, or annotated lists."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from ..models import OnboardingPlan, OnboardingStep, Partner, PartnerOnboarding, StepCompletion


@dataclass(frozen=True)
class StepState:
    step: OnboardingStep
    completion: StepCompletion | None
    is_next: bool
    is_stalled: bool

    @property
    def done(self) -> bool:
        return self.completion is not None


@dataclass(frozen=True)
class Progress:
    onboarding: PartnerOnboarding
    steps: list[StepState]
    #: when the next step stalls (None once complete, or when no step is open)
    stalls_at: datetime | None
    is_stalled: bool

    @property
    def plan(self) -> OnboardingPlan:
        return self.onboarding.plan

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return 100 if self.is_complete else (self.done * 100 // self.total if self.total else 0)

    @property
    def next_step(self) -> OnboardingStep | None:
        return next((s.step for s in self.steps if s.is_next), None)

    @property
    def is_complete(self) -> bool:
        return self.onboarding.completed_at is not None


def progress_of(onboarding: PartnerOnboarding, now: datetime | None = None) -> Progress:
    """The plan's steps with what the partner did (2 queries; `onboarding.plan` preloaded)."""
    now = now or timezone.now()
    steps = list(OnboardingStep.objects.filter(plan_id=onboarding.plan_id))
    done = {
        c.step_id: c
        for c in StepCompletion.objects.filter(
            onboarding=onboarding, step__plan_id=onboarding.plan_id
        )
    }
    last = max([onboarding.started_at, *(c.completed_at for c in done.values())])
    next_step = next((s for s in steps if s.pk not in done), None)
    if onboarding.completed_at is not None:
        next_step = None
    stalls_at = (
        last + timedelta(days=onboarding.plan.stalled_after_days) if next_step is not None else None
    )
    stalled = stalls_at is not None and stalls_at <= now
    states = [
        StepState(
            step=s,
            completion=done.get(s.pk),
            is_next=s == next_step,
            is_stalled=stalled and s == next_step,
        )
        for s in steps
    ]
    return Progress(onboarding=onboarding, steps=states, stalls_at=stalls_at, is_stalled=stalled)


def with_progress(onboardings: QuerySet[PartnerOnboarding]) -> QuerySet[PartnerOnboarding]:
    """Annotate `total_steps`, `done_steps`, `next_step_id`, `next_step_title`, `last_activity`
    and `stalls_at` in the query itself, for lists (the same rules as `progress_of`)."""
    steps = OnboardingStep.objects.filter(plan=OuterRef("plan"))
    done = StepCompletion.objects.filter(onboarding=OuterRef("pk"), step__plan=OuterRef("plan"))
    open_steps = steps.filter(
        ~Exists(
            StepCompletion.objects.filter(onboarding=OuterRef(OuterRef("pk")), step=OuterRef("pk"))
        )
    ).order_by("position", "pk")
    per_day = ExpressionWrapper(
        F("plan__stalled_after_days") * Value(timedelta(days=1)), output_field=DurationField()
    )
    return onboardings.annotate(
        total_steps=Coalesce(
            Subquery(steps.order_by().values("plan").annotate(n=Count("pk")).values("n")), 0
        ),
        done_steps=Coalesce(
            Subquery(done.order_by().values("onboarding").annotate(n=Count("pk")).values("n")), 0
        ),
        last_activity=Greatest(
            "started_at",
            Subquery(
                done.order_by().values("onboarding").annotate(at=Max("completed_at")).values("at")
            ),
        ),
        next_step_id=Subquery(open_steps.values("pk")[:1]),
        next_step_title=Subquery(open_steps.values("title")[:1]),
        stalls_at=ExpressionWrapper(F("last_activity") + per_day, output_field=DateTimeField()),
    )


def stalled_q(now: datetime) -> Q:
    """Filter for annotated onboardings (`with_progress`) that are stalled at `now`."""
    # "An open step remains" as counts, not as `next_step_id`: filtering on that nested subquery
    # makes PostgreSQL re-run it per row and step (minutes at a few hundred onboardings).
    return Q(completed_at__isnull=True, done_steps__lt=F("total_steps"), stalls_at__lte=now)


def plan_for(partner: Partner) -> OnboardingPlan | None:
    """The plan that applies to the partner: its type's, else the default plan."""
    return plan_in(plans_of(partner.tenant), partner.partner_type_id)


def plans_of(tenant: Tenant) -> dict[int | None, OnboardingPlan]:
    return {p.partner_type_id: p for p in OnboardingPlan.objects.filter(tenant=tenant)}


def plan_in(plans: dict[int | None, OnboardingPlan], type_id: int | None) -> OnboardingPlan | None:
    return plans.get(type_id) or plans.get(None)


def may_tick(actor: Membership, partner: Partner) -> bool:
    """Whether the member may tick the partner's manual steps (a CAM: assigned partners only)."""
    return (
        actor.can("partners.onboarding.tick")
        and actor.tenant_id == partner.tenant_id
        and visible_partners(actor).filter(pk=partner.pk).exists()
    )


def days_phrase(days: int) -> str:
    """ "12 days", "1 day", or "less than a day", for notification texts."""
    if days < 1:
        return _("less than a day")
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
