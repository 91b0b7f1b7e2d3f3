"""Changing partner companies: creating them and their details, their type list, lifecycle
status and assigned CAMs."""

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from prm.accounts import company_access
from prm.accounts.models import User
from prm.audit.services import audit_record
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role

from . import events
from .models import Partner, PartnerType
from .selectors import assigned_cams

DEFAULT_TYPES = [
    gettext_lazy("Reseller"),
    gettext_lazy("Referral"),
    gettext_lazy("Systems integrator"),
    gettext_lazy("Agency"),
    gettext_lazy("Affiliate"),
]

#: status -> the statuses it may move to
TRANSITIONS: dict[str, set[str]] = {
    Partner.Status.APPLICANT: {Partner.Status.ONBOARDING, Partner.Status.OFFBOARDED},
    Partner.Status.ONBOARDING: {
        Partner.Status.ACTIVE,
        Partner.Status.INACTIVE,
        Partner.Status.OFFBOARDED,
    },
    Partner.Status.ACTIVE: {Partner.Status.INACTIVE, Partner.Status.OFFBOARDED},
    Partner.Status.INACTIVE: {Partner.Status.ACTIVE, Partner.Status.OFFBOARDED},
    Partner.Status.OFFBOARDED: {Partner.Status.ONBOARDING},
}


def transition_error(old: str, new: str) -> str | None:
    """Why a partner cannot move from status `old` to `new`, or None when it can."""
    if new in TRANSITIONS.get(old, set()):
        return None
    return _("A partner that is %(old)s cannot become %(new)s.") % {
        "old": Partner.Status(old).label.lower(),
        "new": Partner.Status(new).label.lower(),
    }


def partner_types_ensure_defaults(*, tenant: Tenant) -> None:
    """Give a tenant the default partner types (reseller, referral, SI, agency, affiliate)."""
    with translation.override(tenant.language):
        PartnerType.objects.bulk_create(
            [PartnerType(tenant=tenant, name=str(name)) for name in DEFAULT_TYPES],
            ignore_conflicts=True,
        )


#: what vendor staff (and integrations) set on a partner company by `partner_create` and
#: `partner_update`; its status, tier and CAMs have their own workflows below
DETAIL_FIELDS = (
    "name",
    "partner_type",
    "website",
    "country",
    "region",
    "industry",
    "size_band",
    "joined_on",
    "crm_id",
)


def _field(name: str) -> "models.Field[Any, Any]":
    return cast("models.Field[Any, Any]", Partner._meta.get_field(name))


def _clean_details(*, tenant_id: int, values: dict[str, Any], partner_pk: int | None) -> None:
    """Check `values` (some of DETAIL_FIELDS) in place, normalising text; raises one
    `ValidationError` naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    for name, value in list(values.items()):
        if name == "partner_type":
            if value is not None and (
                not isinstance(value, PartnerType) or value.tenant_id != tenant_id
            ):
                errors[name] = [_("Choose one of this program's partner types.")]
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "crm_id":
            value = value or None  # "not linked" is NULL: the uniqueness holds among set ids
        if name == "name" and not value:
            errors[name] = [_("Give the partner a name.")]
            continue
        try:
            values[name] = _field(name).clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages
    others = Partner.objects.filter(tenant_id=tenant_id)
    if partner_pk is not None:
        others = others.exclude(pk=partner_pk)
    wanted = values.get("name")
    if "name" not in errors and wanted and others.filter(name__iexact=wanted).exists():
        errors["name"] = [_("A partner named “%(name)s” already exists.") % {"name": wanted}]
    crm_id = values.get("crm_id")
    if "crm_id" not in errors and crm_id and others.filter(crm_id=crm_id).exists():
        errors["crm_id"] = [_("Another partner has this CRM id.")]
    if errors:
        raise ValidationError(errors)


def _require_manager(actor: Membership) -> None:
    if not actor.can("partners.manage"):
        raise PermissionDenied(_("You may not create or change partner companies."))


def _audited(name: str, value: Any) -> Any:
    """A detail as the audit trail keeps it: a type by its name, a day as ISO text."""
    if isinstance(value, PartnerType):
        return value.name
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _saved(write: Any, values: Mapping[str, Any]) -> Any:
    """Run `write` in a savepoint; a name or CRM id another request took at this very moment
    is refused beside its field like one found before writing."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        field = "crm_id" if "crm_id" in str(exc) else "name"
        if field == "name":
            message = _("A partner named “%(name)s” already exists.") % {"name": values["name"]}
        else:
            message = _("Another partner has this CRM id.")
        raise ValidationError({field: message}) from exc


def partner_create(
    *,
    actor: Membership,
    name: str,
    partner_type: PartnerType | None = None,
    website: str = "",
    country: str = "",
    region: str = "",
    industry: str = "",
    size_band: str = "",
    joined_on: date | None = None,
    crm_id: str | None = None,
    status: str = Partner.Status.ONBOARDING,
    ip: str | None = None,
) -> Partner:
    """Create a partner company in the actor's tenant (the admin UI's "Add partner", the API's
    POST /partners/).

    The name is unique in the program (whatever its case), and so is a CRM id when given; the
    type must be one of the tenant's. Audited as `partners.partner.created` and announced
    (PARTNER_CREATED, which webhooks carry). Raises `PermissionDenied` unless the actor may
    manage partners, `ValidationError` by field (nothing written) for bad details.
    """
    _require_manager(actor)
    if status not in Partner.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    values: dict[str, Any] = {
        "name": name,
        "partner_type": partner_type,
        "website": website,
        "country": country,
        "region": region,
        "industry": industry,
        "size_band": size_band,
        "joined_on": joined_on,
        "crm_id": crm_id,
    }
    with transaction.atomic():
        _clean_details(tenant_id=actor.tenant_id, values=values, partner_pk=None)
        partner = _saved(
            lambda: Partner.objects.create(tenant_id=actor.tenant_id, status=status, **values),
            values,
        )
        partner.tenant = actor.tenant
        log_action(
            event=events.PARTNER_CREATED,
            tenant=actor.tenant,
            actor=actor.user,
            obj=partner,
            after={
                "name": partner.name,
                "status": partner.status,
                **{
                    key: _audited(key, value)
                    for key, value in values.items()
                    if key != "name" and value not in (None, "")
                },
            },
            ip=ip,
            data={"partner": partner.name, "partner_id": partner.pk},
        )
    return partner


def partner_update(
    *,
    actor: Membership,
    partner: Partner,
    changes: Mapping[str, Any],
    ip: str | None = None,
) -> list[str]:
    """Change some details of a partner company (`changes`: a subset of DETAIL_FIELDS, as
    `partner_create` takes them); returns the names of the fields that changed (none: nothing
    is written, audited or told).

    The same checks as `partner_create`, on the row locked. Audited with the values before and
    after and announced (PARTNER_CHANGED). Raises `PermissionDenied` unless the actor may
    manage partners, `ValidationError` by field (nothing written) for an unknown field or a
    bad value.
    """
    _require_manager(actor)
    if partner.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("Choose a partner company of this program."))
    unknown = sorted(set(changes) - set(DETAIL_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    values = dict(changes)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        _clean_details(tenant_id=partner.tenant_id, values=values, partner_pk=partner.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name in DETAIL_FIELDS:
            if name not in values:
                continue
            old = getattr(partner, name)
            if old != values[name]:
                before[name], after[name] = _audited(name, old), _audited(name, values[name])
                setattr(partner, name, values[name])
        changed = [name for name in DETAIL_FIELDS if name in after]
        if not changed:
            return []
        _saved(lambda: partner.save(update_fields=changed), values)  # save() keeps the domain
        log_action(
            event=events.PARTNER_CHANGED,
            tenant=actor.tenant,
            actor=actor.user,
            obj=partner,
            before=before,
            after=after,
            ip=ip,
            data={
                "partner": partner.name,
                "partner_id": partner.pk,
                "changes": ", ".join(str(_field(n).verbose_name) for n in changed),
            },
        )
    return changed


def partner_status_change(
    *, actor: Any, partner: Partner, status: str, reason: str, ip: str | None = None
) -> Partner:
    """Move a partner in its lifecycle, with the reason recorded and the partner's admins told.

    The first move to ACTIVE sets the joined date. A move out of access (to inactive or
    offboarded, `Partner.access_ended`) suspends the company's memberships in the tenant after
    its admins are told; a move back restores them before (`prm.accounts.company_access`).
    Subscribers to PARTNER_STATUS_CHANGED run in this transaction: the deals app releases or
    freezes the company's claims. Raises `ValidationError` for an empty reason or a move the
    lifecycle does not allow (offboarded partners can only start onboarding again).
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes.")})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        error = transition_error(partner.status, status)
        if error:
            raise ValidationError({"status": error})
        before = partner.status
        partner.status = status
        fields = ["status"]
        if status == Partner.Status.ACTIVE and partner.joined_on is None:
            partner.joined_on = timezone.localdate()
            fields.append("joined_on")
        partner.save(update_fields=fields)
        user = actor if isinstance(actor, User) else getattr(actor, "user", None)
        if not partner.access_ended:
            company_access.memberships_restore_with_partner(
                partner=partner, actor=user, reason=reason.strip(), ip=ip
            )
        log_action(
            event=events.PARTNER_STATUS_CHANGED,
            tenant=partner.tenant,
            actor=actor,
            obj=partner,
            before={"status": before},
            after={"status": status},
            reason=reason.strip(),
            ip=ip,
            data={
                "partner": partner.name,
                "status": partner.get_status_display().lower(),
                "reason": reason.strip(),
            },
        )
        if partner.access_ended:
            company_access.memberships_suspend_with_partner(
                partner=partner, actor=user, reason=reason.strip(), ip=ip
            )
    return partner


def partner_assign_cams(
    *, actor: Membership, partner: Partner, cams: list[Membership], ip: str | None = None
) -> None:
    """Make `cams` exactly the channel account managers of `partner` (per-object grants).

    Raises `PermissionDenied` unless the actor may assign, `ValidationError` when one of `cams`
    is not an active CAM of the partner's tenant. Newly assigned CAMs are told.
    """
    if not actor.can("partners.assign"):
        raise PermissionDenied(_("You may not assign channel account managers."))
    if partner.tenant_id != actor.tenant_id:
        raise ValidationError(_("Choose a partner company of this program."))
    for cam in cams:
        if cam.tenant_id != partner.tenant_id or cam.role != Role.CAM or not cam.is_active:
            raise ValidationError(
                {"cams": _("%(user)s is not a channel account manager here.") % {"user": cam.user}}
            )
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        current = {m.pk: m for m in assigned_cams(partner=partner)}
        wanted = {m.pk: m for m in cams}
        added = [m for pk, m in wanted.items() if pk not in current]
        removed = [m for pk, m in current.items() if pk not in wanted]
        if not added and not removed:
            return
        for m in added:
            assign_perm(MANAGE_PARTNER, m.user, partner)
        for m in removed:
            remove_perm(MANAGE_PARTNER, m.user, partner)
        change: dict[str, Any] = {
            "tenant": partner.tenant,
            "actor": actor.user,
            "obj": partner,
            "before": {"cams": sorted(m.user.email for m in current.values())},
            "after": {"cams": sorted(m.user.email for m in wanted.values())},
            "ip": ip,
        }
        if added:
            log_action(
                event=events.PARTNER_CAMS_ASSIGNED,
                data={"partner": partner.name, "added_membership_ids": [m.pk for m in added]},
                **change,
            )
        else:
            # Audited only: only newly assigned CAMs are told, and here there are none.
            audit_record(action="partners.partner.cams_assigned", **change)


#: the profile fields a partner admin edits in the portal, as a sentence names them, in order
PROFILE_LABELS = {
    "logo": gettext_lazy("the logo"),
    "description": gettext_lazy("the description"),
    "address": gettext_lazy("the address"),
    "website": gettext_lazy("the website"),
}
PROFILE_FIELDS = tuple(PROFILE_LABELS)


def partner_profile_update(
    *,
    actor: Membership,
    partner: Partner,
    description: str,
    address: str,
    website: str,
    logo: File | None = None,
    remove_logo: bool = False,
    ip: str | None = None,
) -> list[str]:
    """Change the company profile a partner admin keeps in the portal; returns the names of the
    fields that changed (none: nothing is written, audited or told).

    `logo` is a new logo already checked and re-encoded as PNG (`prm.tenancy.validators.
    reencode_logo`); `remove_logo` drops the current one. The change is audited on the partner
    (text fields before and after; for the logo only whether there is one, never a path) and the
    partner's CAMs are told (PARTNER_PROFILE_CHANGED). Raises `PermissionDenied` unless the actor
    is a partner admin of this very company.
    """
    if (
        not actor.can("portal.company.edit")
        or actor.partner_id != partner.pk
        or actor.tenant_id != partner.tenant_id
    ):
        raise PermissionDenied(_("Only your company's partner admins may change its profile."))
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in (("description", description), ("address", address)):
            # A browser sends a textarea's lines ended by CRLF: the same text is no change.
            value = value.replace("\r\n", "\n").strip()
            if getattr(partner, name) != value:
                before[name], after[name] = getattr(partner, name), value
                setattr(partner, name, value)
        if partner.website != website:
            before["website"], after["website"] = partner.website, website
            partner.website = website
        old_logo = partner.logo.name if partner.logo else ""
        if logo is not None:
            partner.logo.save("logo.png", logo, save=False)
        elif remove_logo and old_logo:
            partner.logo = None
        if (partner.logo.name if partner.logo else "") != old_logo:
            before["logo"] = _("a logo") if old_logo else _("none")
            after["logo"] = _("a new logo") if partner.logo else _("none")
        changed = [name for name in PROFILE_FIELDS if name in after]
        if not changed:
            return []
        partner.save(update_fields=changed)  # with the website, save() keeps the domain too
        labels = [str(PROFILE_LABELS[name]) for name in changed]
        log_action(
            event=events.PARTNER_PROFILE_CHANGED,
            tenant=partner.tenant,
            actor=actor.user,
            obj=partner,
            before=before,
            after=after,
            ip=ip,
            data={"partner": partner.name, "changes": _and_list(labels)},
        )
        if old_logo and old_logo != (partner.logo.name if partner.logo else ""):
            # The replaced file goes once the change is committed (a rollback keeps it).
            storage = partner.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return changed


def _and_list(words: list[str]) -> str:
    """ "the logo, the address and the website"."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}
