"""Changing the partner agreement: publishing a version, a partner accepting it.

Publishing sanitizes the HTML once (nh3, a small allow-list), so the stored text is safe to show
as is. The reads, and the gate later apps check, are in `partners.agreements.selectors`.
"""

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant

from .. import events
from ..models import AgreementAcceptance, AgreementVersion
from .selectors import current_agreement

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize(html: str) -> str:
    """Keep headings, paragraphs, lists, emphasis and links; drop everything else."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def agreement_publish(
    *, actor: Membership, title: str, body_html: str, ip: str | None = None
) -> AgreementVersion:
    """Publish the next version. Every partner must accept it again; their admins are told."""
    if not actor.can("partners.manage"):
        raise PermissionDenied(_("You may not publish agreements."))
    clean = sanitize(body_html).strip()
    if not title.strip():
        raise ValidationError({"title": _("Give the agreement a title.")})
    if not clean:
        raise ValidationError({"body_html": _("The agreement needs a text.")})
    tenant = actor.tenant
    with transaction.atomic():
        # The tenant row serialises publishers, so two never take the same version number.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        latest = AgreementVersion.objects.filter(tenant=tenant).aggregate(v=Max("version"))["v"]
        version = AgreementVersion.objects.create(
            tenant=tenant,
            version=(latest or 0) + 1,
            title=title.strip(),
            body_html=clean,
            published_by=actor.user,
        )
        log_action(
            event=events.AGREEMENT_PUBLISHED,
            tenant=tenant,
            actor=actor.user,
            obj=version,
            after={"version": version.version, "title": version.title},
            ip=ip,
            data={"title": version.title, "version": version.version},
        )
    return version


def agreement_accept(
    *, actor: Membership, agreement: AgreementVersion, ip: str | None = None
) -> AgreementAcceptance:
    """A partner admin accepts a version for their company (who, when, version, IP recorded).

    Raises `PermissionDenied` for anyone but a partner admin, `ValidationError` when the version
    is not the current one or was already accepted.
    """
    partner = actor.partner
    if partner is None or not actor.can("portal.agreement.accept"):
        raise PermissionDenied(_("Only a partner admin accepts the agreement."))
    current = current_agreement(actor.tenant)
    if current is None or current.pk != agreement.pk:
        raise ValidationError(_("A newer version was published: read and accept that one."))
    try:
        with transaction.atomic():
            acceptance = AgreementAcceptance.objects.create(
                tenant=actor.tenant,
                partner_id=partner.pk,
                agreement=agreement,
                accepted_by=actor.user,
                accepted_by_label=actor.user.email,
                ip_address=ip,
            )
            log_action(
                event=events.AGREEMENT_ACCEPTED,
                tenant=actor.tenant,
                actor=actor.user,
                obj=partner,
                subject=acceptance,
                after={"version": agreement.version},
                ip=ip,
                data={
                    "partner": str(partner),
                    "version": agreement.version,
                    "partner_id": partner.pk,
                },
            )
    except IntegrityError as exc:
        raise ValidationError(_("Your company already accepted this version.")) from exc
    return acceptance
