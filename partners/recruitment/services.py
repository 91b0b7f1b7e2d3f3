"""Changing recruitment: applications from the public "Become a partner" page, and deciding them.

An application is scored and flagged when it arrives (`scoring`). Partner ops approve it (the
partner is created and its first admin invited, exactly once however many clicks) or decline
it with a reason the applicant receives by email, in the tenant's branding. The reads are in
`partners.recruitment.selectors`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prm.accounts import services as account_services
from prm.audit.services import audit_record
from prm.normalize import registered_domain
from prm.notifications import outbox
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .. import events
from ..models import Application, ApplicationField, Partner, PartnerType, RecruitmentSettings
from . import scoring
from .selectors import recruitment_settings_for

#: what the applicant always answers
CORE_FIELDS = ("company_name", "contact_name", "contact_email", "country")
#: every answer an application can hold
ANSWER_FIELDS = CORE_FIELDS + tuple(ApplicationField.values)


def recruitment_settings_ensure(*, tenant: Tenant) -> RecruitmentSettings:
    """The tenant's settings row, created (closed, no optional questions) when missing."""
    found, _created = RecruitmentSettings.objects.get_or_create(tenant=tenant)
    return found


def application_submit(*, tenant: Tenant, answers: dict[str, Any], ip: str | None) -> Application:
    """Record an application sent through the public page, scored and flagged.

    `answers` holds the validated form values (model field names). Partner ops are told, and
    the applicant gets a confirmation email in the tenant's branding. Raises `ValidationError`
    (by field) when the program is closed, a core answer is missing or the partner type is
    not the tenant's.
    """
    if not recruitment_settings_for(tenant).is_open:
        raise ValidationError(_("This program is not taking applications at the moment."))
    missing = {f: _("This field is required.") for f in CORE_FIELDS if not answers.get(f)}
    if missing:
        raise ValidationError(missing)
    partner_type = answers.get("partner_type")
    if partner_type is not None and partner_type.tenant_id != tenant.pk:
        raise ValidationError({"partner_type": _("Choose one of the offered partner types.")})
    application = Application(
        tenant=tenant,
        ip_address=ip,
        **{f: answers[f] for f in ANSWER_FIELDS if answers.get(f) not in (None, "")},
    )
    application.contact_email = application.contact_email.strip().lower()
    application.email_domain = registered_domain(application.contact_email)
    application.website_domain = registered_domain(application.website)
    if application.annual_revenue is not None:
        application.currency = tenant.default_currency
    with transaction.atomic():
        _score(application, tenant)
        application.save()
        log_action(
            event=events.APPLICATION_RECEIVED,
            tenant=tenant,
            actor=None,
            obj=application,
            after={
                "company": application.company_name,
                "email": application.contact_email,
                "score": application.score,
            },
            ip=ip,
            data={
                "company": application.company_name,
                "contact": application.contact_name,
                "country": application.country.name,
                "score": score_text(application, tenant=tenant),
            },
        )
        _email_applicant(application, "partners/email/application_received")
    return application


def score_text(application: Application, *, tenant: Tenant) -> str:
    """ "72 / 100", "fails a must-have (60 / 100)" or "not scored", in the tenant's language."""
    with translation.override(tenant.language):
        if application.score is None:
            return _("not scored")
        points = _("%(score)d / 100") % {"score": application.score}
        if application.must_have_failed:
            return _("fails a must-have (%(points)s)") % {"points": points}
        return points


def _score(application: Application, tenant: Tenant) -> None:
    """Score and flag `application` in place (not saved)."""
    result = scoring.score(application, scoring.profile_of(tenant), tenant=tenant)
    application.score = result.score
    application.must_have_failed = result.must_have_failed
    application.breakdown = result.breakdown()
    application.scored_at = timezone.now()
    application.is_free_mail = scoring.is_free_mail(application.email_domain)
    application.matched_partner = scoring.matching_partner(application)


def _require_recruiter(actor: Membership) -> None:
    if not actor.can("partners.recruit"):
        raise PermissionDenied(_("You may not decide partner applications."))


def _lock_pending(actor: Membership, application: Application) -> Application:
    """The application, locked until the transaction ends; refused unless still pending."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("tenant", "partner_type")
        .get(pk=application.pk, tenant=actor.tenant)
    )
    if locked.status != Application.Status.PENDING:
        raise ValidationError(
            _("This application was already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def application_rescore(
    *, actor: Membership, application: Application, ip: str | None = None
) -> Application:
    """Score a pending application again against the current profile, and refresh its flags.

    Decided applications keep the score they were decided on. Raises `PermissionDenied` or
    `ValidationError` for a decided application.
    """
    _require_recruiter(actor)
    with transaction.atomic():
        application = _lock_pending(actor, application)
        before = {"score": application.score, "must_have_failed": application.must_have_failed}
        _score(application, application.tenant)
        application.save(
            update_fields=[
                "score",
                "must_have_failed",
                "breakdown",
                "scored_at",
                "is_free_mail",
                "matched_partner",
            ]
        )
        # Audited only: a rescore tells nobody.
        audit_record(
            tenant=application.tenant,
            actor=actor.user,
            action="partners.application.rescored",
            obj=application,
            before=before,
            after={"score": application.score, "must_have_failed": application.must_have_failed},
            ip=ip,
        )
    return application


def application_approve(
    *,
    actor: Membership,
    application: Application,
    name: str = "",
    partner_type: PartnerType | None = None,
    ip: str | None = None,
) -> Partner:
    """Approve a pending application: create the partner (onboarding, with the applicant's
    profile) and invite the contact as its first admin, in one transaction.

    `name` and `partner_type` default to the applicant's answers. The application row is
    locked, so two approvals at once create one partner. Raises `PermissionDenied`, or
    `ValidationError` (nothing changed) when the application is decided, a partner of that
    name exists, or the contact cannot be invited (already a member).
    """
    _require_recruiter(actor)
    tenant = actor.tenant
    if partner_type is not None and partner_type.tenant_id != tenant.pk:
        raise ValidationError({"partner_type": _("Choose one of this program's partner types.")})
    with transaction.atomic():
        application = _lock_pending(actor, application)
        name = (name or application.company_name).strip()
        partner = _partner_create(application, name, partner_type or application.partner_type)
        try:
            account_services.invitation_create(
                actor=actor,
                email=application.contact_email,
                role=Role.PARTNER_ADMIN,
                partner=partner,
                ip=ip,
            )
        except ValidationError as exc:
            raise ValidationError(
                _("%(email)s cannot be invited as the partner's admin: %(why)s")
                % {"email": application.contact_email, "why": " ".join(exc.messages)}
            ) from exc
        application.status = Application.Status.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = actor.user
        application.partner = partner
        application.save(update_fields=["status", "decided_at", "decided_by", "partner"])
        # Announced like a partner created in the admin UI or through the API (webhooks carry
        # it); the application's approval below is what people are told.
        log_action(
            event=events.PARTNER_CREATED,
            tenant=tenant,
            actor=actor.user,
            obj=partner,
            after={"name": partner.name, "status": partner.status, "from": "application"},
            ip=ip,
            data={"partner": partner.name, "partner_id": partner.pk},
        )
        log_action(
            event=events.APPLICATION_APPROVED,
            tenant=tenant,
            actor=actor.user,
            obj=application,
            before={"status": Application.Status.PENDING},
            after={"status": application.status, "partner": partner.name},
            ip=ip,
            data={
                "company": application.company_name,
                "contact": application.contact_name,
                "partner": partner.name,
                "partner_id": partner.pk,
            },
        )
    return partner


def _partner_create(application: Application, name: str, kind: PartnerType | None) -> Partner:
    if not name:
        raise ValidationError({"name": _("Give the partner a name.")})
    clash = _("A partner named %(name)s already exists. Choose another name.") % {"name": name}
    if Partner.objects.filter(tenant=application.tenant, name__iexact=name).exists():
        raise ValidationError({"name": clash})
    try:
        # A savepoint: a partner of that name created at this very moment fails only this.
        with transaction.atomic():
            return Partner.objects.create(
                tenant=application.tenant,
                name=name,
                partner_type=kind,
                website=application.website,
                country=application.country,
                region=application.region,
                industry=application.industry,
                size_band=application.size_band,
                status=Partner.Status.ONBOARDING,
            )
    except IntegrityError as exc:
        raise ValidationError({"name": clash}) from exc


def application_decline(
    *, actor: Membership, application: Application, reason: str, ip: str | None = None
) -> Application:
    """Decline a pending application; the applicant receives the reason by email.

    Raises `PermissionDenied`, or `ValidationError` for an empty reason or a decided
    application.
    """
    _require_recruiter(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the applicant receives this reason.")})
    with transaction.atomic():
        application = _lock_pending(actor, application)
        application.status = Application.Status.DECLINED
        application.decided_at = timezone.now()
        application.decided_by = actor.user
        application.decline_reason = reason
        application.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
        log_action(
            event=events.APPLICATION_DECLINED,
            tenant=application.tenant,
            actor=actor.user,
            obj=application,
            before={"status": Application.Status.PENDING},
            after={"status": application.status},
            reason=reason,
            ip=ip,
            data={
                "company": application.company_name,
                "contact": application.contact_name,
                "reason": reason,
            },
        )
        _email_applicant(application, "partners/email/application_declined")
    return application


def _email_applicant(application: Application, template: str) -> None:
    """An email to the applicant (not a member: no preferences apply), via the outbox."""
    outbox.email_enqueue(
        tenant=application.tenant,
        to_email=application.contact_email,
        template=template,
        context={"application": application},
    )
