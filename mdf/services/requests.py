"""The partner's side of a request for funds: save a draft, change it, submit it, withdraw it.

Who: a user of the partner company who may request funds (`mdf.access.may_request`: partner
admins, and reps when the tenant allows it); a rep works only the requests they filed, a partner
admin every request of the company (`mdf.access.requests_visible_to`).

A draft is saved even when incomplete (it needs a title, and what it holds must make sense: a
number where a number is asked, one of the offered choices); submitting validates it exactly as
a new submission, whether it is submitted from the form or from its page later:

- the company has an allocation in the fund;
- the request window is open today in the program's time zone (a collect-ahead fund accepts
  requests until the window closes, even before it opens);
- every standard question is answered, the activity's dates are in order and inside the fund's
  period, co-funding says who and what share, the fund's required questions are answered;
- the amount is above zero and not above what the allocation has available now.

The decision clock starts on submission (`prm.sla`), or on the first morning of the fund's
period for a request collected ahead of it. Every change goes through `mdf.workflow.REQUESTS`
(lock, check, set, audit, emit) inside one transaction; errors are `ValidationError`s keyed by
the form's field names (`q_<id>` for the fund's own questions).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.events import tenant_day, tenant_moment
from prm.audit.services import audit_record
from prm.money import format_money, quantize
from prm.notifications.services import notifications_read_for
from prm.sla import add_business_hours
from prm.tenancy.models import Membership, Tenant

from .. import events
from ..access import may_request, requests_visible_to
from ..models import Allocation, Fund, FundQuestion, MdfRequest, RequestAnswer
from ..numbers import next_number
from ..setup import mdf_settings
from ..workflow import REQUESTS

S = MdfRequest.Status

#: the standard questions every submission answers (the co-funding pair only when co-funded)
REQUIRED_ON_SUBMIT = (
    "title",
    "description",
    "audience",
    "activities",
    "starts_on",
    "ends_on",
    "expected_leads",
    "expected_pipeline",
    "amount",
)


@dataclass(frozen=True)
class RequestInput:
    """The standard questions of a request, as the portal form cleans them (None or "" when
    not answered yet)."""

    activity_type: str
    title: str
    description: str = ""
    audience: str = ""
    activities: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    expected_leads: int | None = None
    expected_pipeline: Decimal | None = None
    cofunded: bool = False
    cofunders: str = ""
    cofunded_share: Decimal | None = None
    amount: Decimal | None = None


def question_field(question: FundQuestion | int) -> str:
    """The form field (and error key) of one of the fund's own questions."""
    return f"q_{question if isinstance(question, int) else question.pk}"


def tenant_today(tenant: Tenant) -> date:
    """Today in the program's time zone (windows and deadlines are the tenant's days)."""
    return timezone.localdate(timezone=ZoneInfo(tenant.time_zone))


def _require_requester(actor: Membership, fund: Fund) -> None:
    if actor.tenant_id != fund.tenant_id or not may_request(actor):
        raise PermissionDenied(_("Only your company's admins file requests for funds."))


def _require_own(actor: Membership, request: MdfRequest) -> None:
    """The request is one the actor may work: theirs, or their company's for a partner admin."""
    if (
        request.tenant_id != actor.tenant_id
        or not may_request(actor)
        or not requests_visible_to(actor).filter(pk=request.pk).exists()
    ):
        raise PermissionDenied


def _allocation_of(actor: Membership, fund: Fund) -> Allocation:
    assert actor.partner_id is not None  # may_request: a partner user
    allocation = Allocation.objects.filter(
        tenant_id=fund.tenant_id, fund=fund, partner_id=actor.partner_id
    ).first()
    if allocation is None:
        raise ValidationError(
            _(
                "Your company has no allocation in %(fund)s, so it cannot request from it. "
                "Ask your account manager."
            )
            % {"fund": fund.name}
        )
    return allocation


def _clean_answers(
    questions: list[FundQuestion], answers: dict[int, str]
) -> tuple[dict[int, str], dict[str, str]]:
    """The answers as stored (a number normalised), and the errors of those that make no sense
    whatever the status (a number that is not one, a choice not offered)."""
    cleaned: dict[int, str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        value = str(answers.get(question.pk, "") or "").strip()
        if not value:
            cleaned[question.pk] = ""
            continue
        if question.kind == FundQuestion.Kind.NUMBER:
            try:
                number = Decimal(value.replace(",", ""))
            except InvalidOperation:
                errors[question_field(question)] = _("Enter a number.")
                continue
            if not number.is_finite() or abs(number) >= Decimal("1e15"):
                errors[question_field(question)] = _("Enter a number.")
                continue
            value = format(number.normalize(), "f")
        elif question.kind == FundQuestion.Kind.CHOICE and value not in question.choices:
            errors[question_field(question)] = _("Choose one of the offered answers.")
            continue
        cleaned[question.pk] = value[:4000]
    return cleaned, errors


def _apply(
    request: MdfRequest, data: RequestInput, answers: dict[int, str], fund: Fund
) -> dict[int, str]:
    """Copy what was typed onto the row; the answers cleaned, to store once the row exists.
    Raises the errors a draft cannot be saved with."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the campaign a title.")
    if data.activity_type not in MdfRequest.Activity.values:
        errors["activity_type"] = _("Choose one of the offered activity types.")
    if data.amount is not None and data.amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    if data.cofunded_share is not None and not (0 < data.cofunded_share < 100):
        errors["cofunded_share"] = _("Enter their share as a percentage between 0 and 100.")
    questions = list(fund.questions.all())
    cleaned, answer_errors = _clean_answers(questions, answers)
    errors.update(answer_errors)
    if errors:
        raise ValidationError(errors)
    for name in (
        "activity_type", "description", "audience", "activities", "starts_on", "ends_on",
        "expected_leads", "cofunded",
    ):  # fmt: skip
        setattr(request, name, getattr(data, name))
    request.title = data.title.strip()
    currency = fund.currency
    request.expected_pipeline = (
        None if data.expected_pipeline is None else quantize(data.expected_pipeline, currency)
    )
    request.amount = None if data.amount is None else quantize(data.amount, currency)
    # What a request not co-funded says about co-funding is dropped, not kept half-said.
    request.cofunders = data.cofunders.strip() if data.cofunded else ""
    request.cofunded_share = data.cofunded_share if data.cofunded else None
    return cleaned


def _store_answers(request: MdfRequest, cleaned: dict[int, str]) -> None:
    """The fund's own questions answered (an emptied answer is removed)."""
    empty = [pk for pk, value in cleaned.items() if not value]
    if empty:
        RequestAnswer.objects.filter(
            tenant_id=request.tenant_id, request=request, question_id__in=empty
        ).delete()
    given = {pk: value for pk, value in cleaned.items() if value}
    if not given:
        return
    existing = {
        a.question_id: a
        for a in RequestAnswer.objects.filter(tenant_id=request.tenant_id, request=request)
    }
    changed = []
    for pk, value in given.items():
        answer = existing.get(pk)
        if answer is None:
            RequestAnswer.objects.create(
                tenant_id=request.tenant_id, request=request, question_id=pk, value=value
            )
        elif answer.value != value:
            answer.value = value
            changed.append(answer)
    if changed:
        RequestAnswer.objects.bulk_update(changed, ["value"])


def _snapshot(request: MdfRequest) -> dict[str, Any]:
    return {
        "title": request.title,
        "amount": str(request.amount) if request.amount is not None else "",
        "currency": request.currency,
    }


def request_save(
    *,
    actor: Membership,
    fund: Fund,
    data: RequestInput,
    answers: dict[int, str],
    request: MdfRequest | None = None,
    submit: bool = False,
) -> MdfRequest:
    """Create a draft request from `fund`, or change a draft, a request sent back for more
    information or a rejected one; with `submit`, submit it in the same transaction (see
    `request_submit`: validated exactly like a submission from the request's page).

    `answers` maps the fund's question ids to what was typed (other ids are ignored). Raises
    `PermissionDenied` for anyone but the company's users who may request funds (a rep: their
    own requests), `TransitionError` when the status allows no change, `ValidationError` keyed
    by field for bad input. A new request takes the tenant's next MDF- number; audited as
    `mdf.request.created` or `mdf.request.changed` (a change of a request the vendor has seen is
    announced to its CAMs).
    """
    with transaction.atomic():
        if request is None:
            _require_requester(actor, fund)
            allocation = _allocation_of(actor, fund)
            request = MdfRequest(
                tenant=actor.tenant,
                fund=fund,
                partner_id=allocation.partner_id,
                allocation=allocation,
                owner=actor,
                currency=fund.currency,
            )
            cleaned = _apply(request, data, answers, fund)
            request.number = next_number(actor.tenant, "last_request_number")
            request.save(force_insert=True)
            _store_answers(request, cleaned)
            audit_record(
                tenant=actor.tenant,
                actor=actor.user,
                action="mdf.request.created",
                obj=request,
                after={"status": request.status, **_snapshot(request)},
            )
        else:
            if request.fund_id != fund.pk:
                raise ValidationError(_("A request stays with the fund it was started from."))
            stored: dict[int, str] = {}

            def prepare(row: MdfRequest) -> None:
                stored.update(_apply(row, data, answers, fund))

            request = REQUESTS.transition(
                request,
                "edit",
                actor=actor.user,
                authorize=lambda row: _require_own(actor, row),
                prepare=prepare,
                after=_snapshot,
                event=events.REQUEST_CHANGED,
                # A draft nobody at the vendor has seen changes silently.
                silent_from={S.DRAFT},
            )
            _store_answers(request, stored)
        if submit:
            request = request_submit(actor=actor, request=request)
    return request


def _start_of(tenant: Tenant, day: date) -> datetime:
    """The first moment of `day` in the program's time zone."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tenant.time_zone))


def submission_errors(request: MdfRequest, *, today: date) -> dict[str, str]:
    """What keeps the request from being submitted now, by field ({} when nothing does)."""
    fund = request.fund
    errors: dict[str, str] = {}
    labels = {
        "title": _("Give the campaign a title."),
        "description": _("Describe the campaign."),
        "audience": _("Say who the campaign is for."),
        "activities": _("Say what the campaign entails: platforms, media formats, events."),
        "starts_on": _("Enter the day the activity starts."),
        "ends_on": _("Enter the day the activity ends."),
        "expected_leads": _("Enter the leads you expect (0 if none)."),
        "expected_pipeline": _("Enter the pipeline you expect (0 if none)."),
        "amount": _("Enter the amount you request."),
    }
    for name in REQUIRED_ON_SUBMIT:
        value = getattr(request, name)
        if value is None or value == "":
            errors[name] = labels[name]
    if request.cofunded:
        if not request.cofunders:
            errors["cofunders"] = _("Name the other vendors co-funding the campaign.")
        if request.cofunded_share is None:
            errors["cofunded_share"] = _("Enter the share the other vendors pay (%).")
    if request.starts_on and request.ends_on:
        if request.ends_on < request.starts_on:
            errors["ends_on"] = _("The activity cannot end before it starts.")
        elif request.starts_on < fund.starts_on or request.ends_on > fund.ends_on:
            errors.setdefault(
                "starts_on",
                _("The activity takes place within the fund's period, %(start)s to %(end)s.")
                % {
                    "start": tenant_day(request.tenant, fund.starts_on),
                    "end": tenant_day(request.tenant, fund.ends_on),
                },
            )
    answered = {
        a.question_id: a.value
        for a in RequestAnswer.objects.filter(tenant_id=request.tenant_id, request=request)
    }
    for question in fund.questions.all():
        if question.required and not answered.get(question.pk):
            errors[question_field(question)] = _("Answer this question.")
    if request.amount is not None and request.amount > 0:
        available = Allocation.objects.get(pk=request.allocation_id).available
        if request.amount > available:
            errors["amount"] = _(
                "Your company has %(available)s available in this fund: request at most that."
            ) % {"available": format_money(available, request.currency)}
    window = _window_refusal(request.tenant, fund, today)
    if window:
        errors["__all__"] = window
    return errors


def _window_refusal(tenant: Tenant, fund: Fund, today: date) -> str:
    if today > fund.closes_on:
        return _("Requests to %(fund)s closed on %(day)s.") % {
            "fund": fund.name,
            "day": tenant_day(tenant, fund.closes_on),
        }
    if today < fund.opens_on and not fund.collect_ahead:
        return _("Requests to %(fund)s open on %(day)s: submit it then (save a draft now).") % {
            "fund": fund.name,
            "day": tenant_day(tenant, fund.opens_on),
        }
    return ""


def request_submit(*, actor: Membership, request: MdfRequest) -> MdfRequest:
    """Submit a draft, a request sent back for information, or a rejected one (fixed) for the
    CAM's decision.

    Validates everything a submission needs (the module's list) on the locked row; starts the
    decision clock: `sla_due_at` is `MdfSettings.sla_hours` business hours after now, or after
    the first morning of the fund's period for a request collected ahead of it. Emits
    `mdf.request.submitted` (its CAMs are told); the submitter's notifications about the
    request (the CAM's question) count as read. Raises `PermissionDenied`, `TransitionError`
    or `ValidationError` (by field); then nothing changed.
    """

    def prepare(row: MdfRequest) -> None:
        tenant = row.tenant
        today = tenant_today(tenant)
        errors = submission_errors(row, today=today)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        fund = row.fund
        start = now
        if fund.collect_ahead and today < fund.starts_on:
            # Collected ahead: the CAMs review it with the others when the period opens.
            start = max(now, _start_of(tenant, fund.starts_on))
        row.submitted_at = now
        row.sla_due_at = add_business_hours(start, mdf_settings(tenant).sla_hours, tenant.time_zone)
        row.escalation_level = 0

    with transaction.atomic():
        request = REQUESTS.transition(
            request,
            "submit",
            actor=actor.user,
            authorize=lambda row: _require_own(actor, row),
            prepare=prepare,
            after=lambda row: {"amount": str(row.amount), "currency": row.currency},
            event=events.REQUEST_SUBMITTED,
            data=lambda row: {"due": tenant_moment(row.tenant, row.sla_due_at)},
        )
        # A resubmission answers the CAM's question: its notice is dealt with.
        notifications_read_for(user=actor.user, subject=request)
    return request


def request_withdraw(*, actor: Membership, request: MdfRequest, reason: str = "") -> MdfRequest:
    """The partner takes a request back (a draft, one waiting for a decision, sent back or
    rejected); it is final. Withdrawing a draft tells nobody; otherwise its CAMs are told
    (`mdf.request.withdrawn`), with the reason. An approved request holds money and is not
    withdrawn: its CAM releases it. Raises `PermissionDenied` or `TransitionError`."""
    with transaction.atomic():
        return REQUESTS.transition(
            request,
            "withdraw",
            actor=actor.user,
            authorize=lambda row: _require_own(actor, row),
            reason=reason.strip()[:1000],
            event=events.REQUEST_WITHDRAWN,
            silent_from={S.DRAFT},
        )
