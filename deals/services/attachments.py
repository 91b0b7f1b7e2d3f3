"""Files attached to a registration: the partner attaches a quote or a purchase order, and
deletes one it no longer stands by, while the registration is open.

Who: a user of the registration's company who may work it (`require_partner_user`: the rep who
registered it, or a partner admin). Deleting: the user who uploaded it, or a partner admin.
When: while the registration is open (`ATTACHABLE`): a closed registration's files are its
record. Files are checked by content and size (`ATTACHMENT_RULE`), stored under a random name in
private storage, and served only by the views of `deals/views/attachments.py`. Both changes are
audited on the registration (its history shows them).
"""

import os
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.audit.services import audit_record
from prm.tenancy.models import Membership
from prm.uploads.checks import BUSINESS_DOCUMENT, check_upload, size_label
from prm.uploads.private import private_storage
from prm.workflow import lock_row

from ..models import Deal, DealAttachment
from .access import require_partner_user

#: the statuses in which files may be attached and deleted: the registration is still open
ATTACHABLE = (
    Deal.Status.DRAFT,
    Deal.Status.SUBMITTED,
    Deal.Status.INFO_REQUESTED,
    Deal.Status.APPROVED,
)
#: what a registration's files may be: business documents up to the configured size
ATTACHMENT_RULE = replace(BUSINESS_DOCUMENT, max_bytes=settings.DEAL_ATTACHMENT_MAX_BYTES)


def attachments_open(deal: Deal) -> bool:
    """Whether files may be attached to (and deleted from) the registration now."""
    return deal.status in ATTACHABLE


def _closed_refusal(deal: Deal) -> ValidationError:
    return ValidationError(
        _(
            "A registration that is %(status)s keeps its files as they are: files can be "
            "attached or deleted only while it is open (a draft, waiting for a decision or "
            "approved)."
        )
        % {"status": deal.get_status_display().lower()}
    )


def clean_file_name(name: str) -> str:
    """The uploaded name as shown and offered for download: no path, only safe characters,
    at most 200 characters with its extension kept."""
    base = get_valid_filename(os.path.basename(name or "")) or "file"
    stem, extension = os.path.splitext(base)
    return f"{stem[: 200 - len(extension)]}{extension}"


def attachment_add(
    *, actor: Membership, deal: Deal, file: UploadedFile, kind: str, label: str = ""
) -> DealAttachment:
    """Attach `file` to the registration, as a `kind` (`DealAttachment.Kind`) with an
    optional short description.

    Raises `PermissionDenied` for anyone but the company's users who may work the
    registration, and `ValidationError` for a closed registration (a message), a file its
    rule refuses or a registration already holding the most files (beside the field). The
    file is stored before the row is written; if the transaction then fails, it is deleted
    again. Audited as `deals.attachment.added` on the registration.
    """
    if kind not in DealAttachment.Kind.values:
        raise ValidationError({"kind": _("Choose one of the offered types.")})
    try:
        checked = check_upload(file, ATTACHMENT_RULE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    limit = settings.DEAL_ATTACHMENTS_PER_REGISTRATION
    stored = None
    try:
        with transaction.atomic():
            deal = lock_row(deal)
            require_partner_user(actor, deal)
            if not attachments_open(deal):
                raise _closed_refusal(deal)
            if DealAttachment.objects.filter(tenant_id=deal.tenant_id, deal=deal).count() >= limit:
                raise ValidationError(
                    {
                        "file": ngettext(
                            "A registration holds at most %(count)d file: delete one first.",
                            "A registration holds at most %(count)d files: delete one first.",
                            limit,
                        )
                        % {"count": limit}
                    }
                )
            attachment = DealAttachment(
                tenant=deal.tenant,
                deal=deal,
                kind=kind,
                label=label.strip(),
                name=clean_file_name(file.name or ""),
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=actor,
            )
            attachment.file.save(attachment.name, file, save=False)
            stored = attachment.file.name
            attachment.save()
            audit_record(
                tenant=deal.tenant,
                actor=actor.user,
                action="deals.attachment.added",
                obj=deal,
                after={
                    "file": attachment.name,
                    "kind": attachment.get_kind_display(),
                    "size": size_label(attachment.size),
                },
            )
    except BaseException:
        if stored:
            private_storage().delete(stored)
        raise
    return attachment


def may_delete_attachment(actor: Membership, attachment: DealAttachment) -> bool:
    """The user who uploaded it, or an admin of its company (the registration must be open)."""
    return (
        actor.is_partner_user
        and actor.partner_id == attachment.deal.partner_id
        and actor.can("portal.deals")
        and (attachment.uploaded_by_id == actor.pk or actor.can("portal.deals.company"))
    )


def attachment_delete(*, actor: Membership, attachment: DealAttachment) -> None:
    """Delete an attachment of an open registration: its row now, its file once the
    transaction commits (a rollback keeps both).

    Raises `PermissionDenied` for anyone but its uploader or an admin of its company, and
    `ValidationError` once the registration is closed. Audited as `deals.attachment.deleted`.
    """
    with transaction.atomic():
        deal = lock_row(attachment.deal)
        require_partner_user(actor, deal)
        if not may_delete_attachment(actor, attachment):
            raise PermissionDenied
        if not attachments_open(deal):
            raise _closed_refusal(deal)
        stored = attachment.file.name
        audit_record(
            tenant=deal.tenant,
            actor=actor.user,
            action="deals.attachment.deleted",
            obj=deal,
            before={
                "file": attachment.name,
                "kind": attachment.get_kind_display(),
                "size": size_label(attachment.size),
            },
        )
        attachment.delete()
        transaction.on_commit(lambda: private_storage().delete(stored))
