"""Changing onboarding progress: starting, ticking, unticking, completing, reconciling.

See the package docstring for the rules; every function here is a service (audited, one
transaction, events emitted inside it).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import Invitation
from prm.audit.models import AuditEvent
from prm.audit.services import audit_record
from prm.notifications.events import Event, subscribe, subscribe_ahead
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant

from .. import events
from ..models import (
    AgreementAcceptance,
    OnboardingPlan,
    OnboardingStep,
    Partner,
    PartnerOnboarding,
    StepCompletion,
)
from ..selectors import event_partner_id
from ..services import partner_status_change
from . import triggers
from .progress import days_phrase, may_tick, plan_in, plans_of, progress_of


def offer_event(
    name: str,
    label: str | Promise,
    first_at: triggers.FirstAt | None = None,
    *,
    by_partner_only: bool = False,
    link: triggers.PortalLink | None = None,
) -> None:
    """Let automatic steps name `name`; they tick whenever it is emitted for their partner
    (with `by_partner_only`, only when its actor is one of the partner's own users). `link`:
    the portal page where the partner does it, offered beside the step.

    The event need not be declared yet: an app built later starts emitting it and the steps
    light up. That app may offer its event again, with `first_at`, to tick steps from history.
    Until then a CAM ticks such steps by hand, with a reason (`onboarding_step_tick`).
    """
    triggers.register(triggers.OnboardingEvent(name, label, first_at, by_partner_only, link))
    subscribe_ahead(name, _on_event)


def onboarding_of(partner: Partner) -> PartnerOnboarding | None:
    """The partner's onboarding (plan preloaded), started first when it is due."""
    onboarding = PartnerOnboarding.objects.filter(partner=partner).select_related("plan").first()
    if onboarding is None and partner.status == Partner.Status.ONBOARDING:
        plans = plans_of(partner.tenant)
        if plans:
            _start(partner.tenant, Partner.objects.filter(pk=partner.pk), plans)
            onboarding = (
                PartnerOnboarding.objects.filter(partner=partner).select_related("plan").first()
            )
    return onboarding


def onboarding_sync(*, tenant: Tenant, partners: QuerySet[Partner] | None = None) -> None:
    """Bring the onboardings of `partners` (default: the tenant's) in line with the plans.

    Starts the onboarding of partners in status onboarding that a plan applies to, moves open
    onboardings of partners whose type changed to their type's plan, ticks steps whose event the
    partner's history holds, and completes onboardings whose steps are all done (see the package
    docstring). Idempotent; a fixed number of queries unless something changes.
    """
    partners = partners if partners is not None else Partner.objects.filter(tenant=tenant)
    plans = plans_of(tenant)
    if not plans:
        return
    _start(tenant, partners, plans)
    open_ones = list(
        PartnerOnboarding.objects.filter(
            tenant=tenant, partner__in=partners, completed_at__isnull=True
        ).select_related("partner", "plan")
    )
    for onboarding in open_ones:
        wanted = plan_in(plans, onboarding.partner.partner_type_id)
        if wanted is not None and wanted.pk != onboarding.plan_id:
            _switch_plan(onboarding, wanted)
    _catch_up(tenant, open_ones)


def onboarding_step_tick(
    *,
    actor: Membership,
    partner: Partner,
    step: OnboardingStep,
    reason: str = "",
    ip: str | None = None,
) -> StepCompletion:
    """A member who may (`may_tick`) ticks a step of the partner's plan by hand, with a reason.

    Any step: a manual one (a kick-off call the CAM held), or an automatic one whose event will
    not come (the partner passed a course before the training app existed, or elsewhere); the
    latter needs a `reason`, since it overrides what the program checks by itself. The reason is
    audited with the tick and kept with it (the partner page and the checklist show it). The
    partner's admins are told; the last step completes the onboarding. Raises
    `PermissionDenied`, or `ValidationError` for a step of another plan, a completed onboarding,
    a step already done, or an automatic step without a reason.
    """
    onboarding = _hand_tick_check(actor, partner, step)
    reason = reason.strip()
    if not step.is_manual and not reason:
        raise ValidationError(
            {"reason": _("Say why you tick this step by hand: it usually ticks itself.")}
        )
    completion = _tick(
        onboarding_id=onboarding.pk,
        step=step,
        at=timezone.now(),
        actor=actor.user,
        ip=ip,
        note=reason,
    )
    if completion is None:
        raise ValidationError(_("This step is already done."))
    return completion


def onboarding_step_untick(
    *,
    actor: Membership,
    partner: Partner,
    step: OnboardingStep,
    reason: str = "",
    ip: str | None = None,
) -> None:
    """Take back a tick made by hand (by mistake), with an optional reason, audited. A step its
    event ticked stays ticked, and completed onboardings keep their steps. Raises
    `PermissionDenied` or `ValidationError` like `onboarding_step_tick`."""
    onboarding = _hand_tick_check(actor, partner, step)
    with transaction.atomic():
        onboarding = (
            PartnerOnboarding.objects.select_for_update(of=("self",))
            .select_related("partner", "tenant")
            .get(pk=onboarding.pk)
        )
        if onboarding.completed_at is not None:
            raise ValidationError(_("This onboarding is complete: its steps stay as they are."))
        completion = StepCompletion.objects.filter(onboarding=onboarding, step=step).first()
        if completion is None:
            raise ValidationError(_("This step is not done."))
        if completion.event:
            raise ValidationError(
                _("This step ticked itself when its event happened: it stays ticked.")
            )
        completion.delete()
        # Audited only: taking back a tick tells nobody.
        audit_record(
            tenant=onboarding.tenant,
            actor=actor.user,
            action="partners.onboarding.step_unticked",
            obj=onboarding.partner,
            before={"step": step.title, "completed_at": completion.completed_at.isoformat()},
            reason=reason.strip(),
            ip=ip,
        )


def _hand_tick_check(
    actor: Membership, partner: Partner, step: OnboardingStep
) -> PartnerOnboarding:
    if not may_tick(actor, partner):
        raise PermissionDenied(_("You may not tick onboarding steps of this partner."))
    onboarding = PartnerOnboarding.objects.filter(partner=partner).first()
    if onboarding is None or step.plan_id != onboarding.plan_id:
        raise ValidationError(_("This step is not part of the partner's onboarding plan."))
    if onboarding.completed_at is not None:
        raise ValidationError(_("This onboarding is complete: its steps stay as they are."))
    return onboarding


def _tick(
    *,
    onboarding_id: int,
    step: OnboardingStep,
    at: datetime,
    event: str = "",
    actor: Any = None,
    quietly: bool = False,
    ip: str | None = None,
    note: str = "",
) -> StepCompletion | None:
    """Complete one step (None when it was done already or no longer applies), tell the
    partner's admins unless `quietly`, and complete the onboarding after its last step.
    `note`: why a member ticked it by hand (kept with the tick, and audited as the reason)."""
    with transaction.atomic():
        # The lock serialises ticks of one partner, so exactly one of them completes the plan.
        onboarding = (
            PartnerOnboarding.objects.select_for_update(of=("self",))
            .select_related("partner", "plan", "tenant")
            .get(pk=onboarding_id)
        )
        if onboarding.completed_at is not None or step.plan_id != onboarding.plan_id:
            return None
        if StepCompletion.objects.filter(onboarding=onboarding, step=step).exists():
            return None
        user = actor if getattr(actor, "is_authenticated", False) else None
        completion = StepCompletion.objects.create(
            tenant=onboarding.tenant,
            onboarding=onboarding,
            step=step,
            completed_at=at,
            event=event,
            completed_by=user,
            completed_by_label=(user.get_full_name() or user.email) if user else "",
            note=note,
        )
        partner = onboarding.partner
        progress = progress_of(onboarding)
        tick: dict[str, Any] = {
            "tenant": onboarding.tenant,
            "actor": user,
            "obj": partner,
            "after": {"step": step.title, "event": event, "completed_at": at.isoformat()},
            "reason": note,
            "ip": ip,
        }
        if quietly:
            # Audited only: a quiet tick (caught up from history) tells nobody.
            audit_record(action="partners.onboarding.step_completed", **tick)
        else:
            with translation.override(onboarding.tenant.language):
                next_step = progress.next_step
                log_action(
                    event=events.ONBOARDING_STEP_COMPLETED,
                    subject=onboarding,
                    data={
                        "partner": partner.name,
                        "partner_id": partner.pk,
                        "step": step.title,
                        "done": progress.done,
                        "total": progress.total,
                        "next": _("Next: %(step)s.") % {"step": next_step.title}
                        if next_step
                        else _("That was the last step: onboarding is complete."),
                    },
                    **tick,
                )
        if progress.done == progress.total:
            _complete(onboarding, actor=user, ip=ip)
    return completion


def _complete(onboarding: PartnerOnboarding, *, actor: Any, ip: str | None = None) -> None:
    """Record the time to complete, tell the CAMs, activate a partner still onboarding.
    The caller holds the onboarding's lock."""
    onboarding.completed_at = timezone.now()
    onboarding.save(update_fields=["completed_at"])
    partner = onboarding.partner
    days = onboarding.days_to_complete or 0
    with translation.override(onboarding.tenant.language):
        duration = days_phrase(days)
    log_action(
        event=events.ONBOARDING_COMPLETED,
        tenant=onboarding.tenant,
        actor=actor,
        obj=partner,
        subject=onboarding,
        after={"plan": onboarding.plan.name, "days": days},
        ip=ip,
        data={
            "partner": partner.name,
            "partner_id": partner.pk,
            "plan": onboarding.plan.name,
            "days": duration,
        },
    )
    if partner.status == Partner.Status.ONBOARDING:
        with translation.override(onboarding.tenant.language):
            reason = _("Completed the onboarding plan “%(plan)s”.") % {"plan": onboarding.plan}
        # The system activates the partner: whoever did the last step did not choose to.
        partner_status_change(
            actor=None, partner=partner, status=Partner.Status.ACTIVE, reason=reason
        )


def _start(
    tenant: Tenant,
    partners: QuerySet[Partner],
    plans: dict[int | None, OnboardingPlan],
    *,
    skip_event: str = "",
) -> None:
    """Start the onboarding of those `partners` in status onboarding that have none yet and a
    plan applies to; tick from history what they did already (but not `skip_event`, which is
    being emitted right now and ticks loudly)."""
    due = [
        (partner, plan)
        for partner in partners.filter(
            tenant=tenant, status=Partner.Status.ONBOARDING, onboarding__isnull=True
        )
        if (plan := plan_in(plans, partner.partner_type_id)) is not None
    ]
    if not due:
        return
    entered = _entered_onboarding(tenant, [partner.pk for partner, _plan in due])
    started = []
    for partner, plan in due:
        with transaction.atomic():
            onboarding, created = PartnerOnboarding.objects.get_or_create(
                partner=partner,
                defaults={
                    "tenant": tenant,
                    "plan": plan,
                    "started_at": entered.get(partner.pk, partner.created_at),
                },
            )
            if created:
                # Audited only: a started onboarding tells nobody (its steps' ticks do).
                audit_record(
                    tenant=tenant,
                    actor=None,
                    action="partners.onboarding.started",
                    obj=partner,
                    after={"plan": plan.name, "started_at": onboarding.started_at.isoformat()},
                )
                started.append(onboarding)
    _catch_up(tenant, started, skip_event=skip_event)


def _entered_onboarding(tenant: Tenant, partner_ids: list[int]) -> dict[int, datetime]:
    """When each partner last moved to onboarding, by the audit log."""
    rows = (
        AuditEvent.objects.filter(
            tenant=tenant,
            action="partners.partner.status_changed",
            object_type=ContentType.objects.get_for_model(Partner),
            object_id__in=[str(pk) for pk in partner_ids],
            after__status=Partner.Status.ONBOARDING,
        )
        .values("object_id")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    return {int(r["object_id"]): r["at"] for r in rows}


def _switch_plan(onboarding: PartnerOnboarding, plan: OnboardingPlan) -> None:
    with transaction.atomic():
        before = onboarding.plan.name
        PartnerOnboarding.objects.filter(pk=onboarding.pk, completed_at__isnull=True).update(
            plan=plan
        )
        onboarding.plan = plan
        # Audited only: a switched plan tells nobody.
        audit_record(
            tenant=onboarding.tenant,
            actor=None,
            action="partners.onboarding.plan_changed",
            obj=onboarding.partner,
            before={"plan": before},
            after={"plan": plan.name},
            reason=_("The partner's type changed."),
        )


def _catch_up(
    tenant: Tenant,
    onboardings: Iterable[PartnerOnboarding],
    *,
    skip_event: str = "",
) -> None:
    """Tick open steps whose event the partners' history holds (quietly, dated from history),
    then complete the onboardings whose steps are all done."""
    onboardings = [o for o in onboardings if o.completed_at is None]
    if not onboardings:
        return
    steps: dict[int, list[OnboardingStep]] = {}
    for step in OnboardingStep.objects.filter(plan_id__in={o.plan_id for o in onboardings}):
        steps.setdefault(step.plan_id, []).append(step)
    done = set(
        StepCompletion.objects.filter(onboarding__in=onboardings).values_list(
            "onboarding_id", "step_id"
        )
    )
    wanted = {
        s.event
        for o in onboardings
        for s in steps.get(o.plan_id, [])
        if s.event and s.event != skip_event and (o.pk, s.pk) not in done
    }
    partner_ids = [o.partner_id for o in onboardings]
    history = {
        name: first_at(tenant, partner_ids)
        for name in wanted
        if (first_at := getattr(triggers.offered(name), "first_at", None))
    }
    for onboarding in onboardings:
        plan_steps = steps.get(onboarding.plan_id, [])
        for step in plan_steps:
            at = history.get(step.event, {}).get(onboarding.partner_id)
            if at is None or (onboarding.pk, step.pk) in done:
                continue
            if _tick(onboarding_id=onboarding.pk, step=step, at=at, event=step.event, quietly=True):
                done.add((onboarding.pk, step.pk))
        if plan_steps and all((onboarding.pk, s.pk) in done for s in plan_steps):
            # Every step is done although no tick completed the plan: its last open step
            # was deleted.
            _complete_if_done(onboarding.pk)


def _complete_if_done(onboarding_id: int) -> None:
    with transaction.atomic():
        onboarding = (
            PartnerOnboarding.objects.select_for_update(of=("self",))
            .select_related("partner", "plan", "tenant")
            .get(pk=onboarding_id)
        )
        if onboarding.completed_at is None:
            progress = progress_of(onboarding)
            if progress.total and progress.done == progress.total:
                _complete(onboarding, actor=None)


def _first_acceptance(tenant: Tenant, partner_ids: list[int]) -> dict[int, datetime]:
    rows = (
        AgreementAcceptance.objects.filter(tenant=tenant, partner_id__in=partner_ids)
        .values("partner_id")
        .annotate(at=Min("accepted_at"))
        .order_by()
    )
    return {r["partner_id"]: r["at"] for r in rows}


def _first_invitation(tenant: Tenant, partner_ids: list[int]) -> dict[int, datetime]:
    # Invitations the partner's own users sent: ops inviting the first admin does not count.
    rows = (
        Invitation.objects.filter(
            tenant=tenant,
            partner_id__in=partner_ids,
            invited_by__memberships__tenant=tenant,
            invited_by__memberships__partner_id=F("partner_id"),
        )
        .values("partner_id")
        .annotate(at=Min("created_at"))
        .order_by()
    )
    return {r["partner_id"]: r["at"] for r in rows}


def _on_event(event: Event) -> None:
    """Tick the open steps that name this event, of the event's partner only."""
    partner_id = event_partner_id(event)
    if partner_id is None:
        return
    offered = triggers.offered(event.name)
    actor_id = getattr(event.actor, "pk", None)
    if (
        offered is not None
        and offered.by_partner_only
        and (
            actor_id is None  # nobody of the partner did it
            or not Membership.objects.filter(
                tenant=event.tenant, user_id=actor_id, partner_id=partner_id
            ).exists()
        )
    ):
        return
    partner = Partner.objects.filter(tenant=event.tenant, pk=partner_id)
    # Most events come from partners whose onboarding is over (or who never had one), such as
    # every deal a partner registers: one query tells there is nothing to start or tick.
    waiting = Q(status=Partner.Status.ONBOARDING, onboarding__isnull=True)
    open_plan = Q(onboarding__isnull=False, onboarding__completed_at__isnull=True)
    if not partner.filter(waiting | open_plan).exists():
        return
    plans = plans_of(event.tenant)
    if not plans:
        return
    _start(event.tenant, partner, plans, skip_event=event.name)
    onboarding = PartnerOnboarding.objects.filter(
        tenant=event.tenant, partner_id=partner_id, completed_at__isnull=True
    ).first()
    if onboarding is None:
        return
    for step in OnboardingStep.objects.filter(
        plan_id=onboarding.plan_id, kind=OnboardingStep.Kind.AUTOMATIC, event=event.name
    ):
        _tick(
            onboarding_id=onboarding.pk,
            step=step,
            at=timezone.now(),
            event=event.name,
            actor=event.actor,
        )


def _on_status_changed(event: Event) -> None:
    """A partner moving to onboarding starts its plan at once (started_at: now)."""
    partner = event.subject
    if isinstance(partner, Partner) and partner.status == Partner.Status.ONBOARDING:
        plans = plans_of(event.tenant)
        if plans:
            _start(event.tenant, Partner.objects.filter(pk=partner.pk), plans)


offer_event(
    "partners.agreement.accepted",
    gettext_lazy("The partner accepted the agreement"),
    first_at=_first_acceptance,
    link=triggers.PortalLink(
        "partners:agreement", gettext_lazy("Read the agreement"), "portal.access"
    ),
)
offer_event(
    "accounts.invitation.sent",
    gettext_lazy("The partner invited a colleague"),
    first_at=_first_invitation,
    by_partner_only=True,
    link=triggers.PortalLink(
        "accounts:team", gettext_lazy("Invite a colleague"), "portal.team.manage"
    ),
)
subscribe(events.PARTNER_STATUS_CHANGED.name, _on_status_changed)
