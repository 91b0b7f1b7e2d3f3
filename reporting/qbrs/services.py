"""Preparing, sharing and finalising quarterly business reviews, and tracking their action items.

A CAM (or partner operations, or a program leader) opens a partner's QBR for a fiscal quarter:
a draft with its first snapshot of figures. They write the highlights and roadblocks, agree
action items (owned by someone on either side, with a due day), may share the draft with the
partner's admins (who comment in the portal), refresh the figures while it is a draft, and
finalise it once held: the final snapshot then freezes the figures they saw together with the
words and action items, the QBR is locked, and its PDF never changes again. Action items stay
live after that: their owners mark them done, a daily sweep reminds them, and the partner's next
QBR carries them with their status.

Every change is audited on the QBR; sharing, comments and the final review are told to the
other side through `prm.notifications`, and finalising emits `reporting.qbr.finalised`, which
partner-satisfaction surveys may be triggered by.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Partner
from partners.plans.selectors import owner_choices
from prm.audit.services import audit_record
from prm.metrics.periods import Period, fiscal_quarter_of
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners
from prm.workflow import Action, Workflow, lock_row

from ..models import Qbr, QbrActionItem, QbrComment, QbrSnapshot
from . import events
from .snapshot import action_item_data, digest, snapshot_data

S = Qbr.Status
QBRS: Workflow[Qbr] = Workflow(
    Qbr,
    [
        Action("edit", gettext_lazy("changed"), {S.DRAFT}, None),
        Action("share", gettext_lazy("shared"), {S.DRAFT}, None),
        Action("finalise", gettext_lazy("finalised"), {S.DRAFT}, S.FINAL),
    ],
    refusal=gettext_lazy("A QBR that is %(status)s cannot be %(verb)s."),
    describe=events.qbr_data,
)
MAX_COMMENT = 4000
#: how many quarters back a review may be prepared or exported, besides the current one
QUARTERS_BACK = 4


def quarter_of(tenant: Tenant, day: date) -> Period:
    """The tenant's fiscal quarter holding `day`."""
    return fiscal_quarter_of(day, tenant.fiscal_year_start)


def recent_quarters(tenant: Tenant, today: date) -> list[Period]:
    """The quarters a review is prepared or exported for: this fiscal quarter and the
    `QUARTERS_BACK` before it, newest first."""
    quarters = [quarter_of(tenant, today)]
    for _i in range(QUARTERS_BACK):
        quarters.append(quarter_of(tenant, quarters[-1].start - timedelta(days=1)))
    return quarters


def may_edit(actor: Membership, partner: Partner) -> bool:
    """Whether the member prepares QBRs of this partner: vendor staff holding
    `reporting.qbrs.edit` who see the partner (a CAM: the partners assigned to them)."""
    return (
        actor.partner_id is None
        and actor.can("reporting.qbrs.edit")
        and visible_partners(actor).filter(pk=partner.pk).exists()
    )


def _require_edit(actor: Membership, qbr: Qbr) -> None:
    if not may_edit(actor, qbr.partner):
        raise PermissionDenied(_("You do not prepare this partner's reviews."))


def qbr_open(*, actor: Membership, partner: Partner, day: date) -> Qbr:
    """The partner's QBR of the fiscal quarter holding `day`, made as a draft with its first
    snapshot of figures when there is none yet (then audited). Two members opening it at the
    same moment get the same review. Raises `PermissionDenied` unless the member prepares the
    partner's reviews, `ValidationError` for a quarter that has not started."""
    if not may_edit(actor, partner):
        raise PermissionDenied(_("You do not prepare this partner's reviews."))
    qbr, _created = qbr_prepare(tenant=actor.tenant, partner=partner, day=day, user=actor.user)
    return qbr


def qbr_prepare(
    *, tenant: Tenant, partner: Partner, day: date, user: Any = None
) -> tuple[Qbr, bool]:
    """The partner's QBR of the quarter holding `day`, and whether it was made now (a draft
    with its first snapshot, audited). For callers that have checked who asks (the editor, a
    bulk export started by someone holding `reporting.qbrs.export`)."""
    if partner.tenant_id != tenant.pk:
        raise ValueError("The partner belongs to another tenant.")
    quarter = quarter_of(tenant, day)
    if quarter.start > timezone.localdate():
        raise ValidationError({"day": _("That quarter has not started yet.")})
    existing = Qbr.objects.filter(tenant=tenant, partner=partner, period_start=quarter.start)
    found = existing.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            qbr = Qbr.objects.create(
                tenant=tenant,
                partner=partner,
                period_start=quarter.start,
                period_end=quarter.end,
                created_by=user,
            )
            data = snapshot_data(qbr)
            QbrSnapshot.objects.create(
                tenant=tenant, qbr=qbr, version=1, data=data, digest=digest(data), created_by=user
            )
            audit_record(
                tenant=tenant,
                actor=user,
                action="reporting.qbr.opened",
                obj=qbr,
                after={"quarter": quarter.start.isoformat(), "partner": partner.name},
            )
    except IntegrityError:  # another request made it at the same moment: theirs is the one
        return existing.get(), False
    return qbr, True


def latest_snapshot(qbr: Qbr) -> QbrSnapshot:
    """The QBR's newest snapshot (the final one once it is final)."""
    return QbrSnapshot.objects.filter(tenant_id=qbr.tenant_id, qbr=qbr).order_by("-version")[0]


def qbr_refresh(*, actor: Membership | None, qbr: Qbr, user: Any = None) -> QbrSnapshot:
    """Read the draft's figures again. A new version is kept only when a figure changed;
    otherwise the newest snapshot is returned as it is. Raises `PermissionDenied` (when an
    `actor` is given and does not prepare the partner's reviews) and `TransitionError` for a
    final QBR."""
    if actor is not None:
        _require_edit(actor, qbr)
        user = actor.user
    data = snapshot_data(qbr)  # read before the lock: the figures take a moment
    found = digest(data)
    with transaction.atomic():
        row = lock_row(qbr)
        QBRS.require(row, "edit")
        newest = latest_snapshot(row)
        if newest.digest == found:
            return newest
        snapshot = QbrSnapshot.objects.create(
            tenant_id=row.tenant_id,
            qbr=row,
            version=newest.version + 1,
            data=data,
            digest=found,
            created_by=user,
        )
        audit_record(
            tenant=row.tenant,
            actor=user,
            action="reporting.qbr.refreshed",
            obj=row,
            after={"version": snapshot.version},
        )
    return snapshot


def qbr_notes_update(*, actor: Membership, qbr: Qbr, highlights: str, roadblocks: str) -> Qbr:
    """Write the draft's highlights and roadblocks (audited with what they were)."""
    new = {"highlights": highlights.strip(), "roadblocks": roadblocks.strip()}
    with transaction.atomic():
        return QBRS.transition(
            qbr,
            "edit",
            actor=actor.user,
            event=None,
            audit="reporting.qbr.notes_changed",
            authorize=lambda row: _require_edit(actor, row),
            changes=new,
            after=new,
        )


def qbr_share(*, actor: Membership, qbr: Qbr) -> Qbr:
    """Show the draft to the partner's admins in the portal, where they read and comment; they
    are told. Sharing twice changes nothing."""
    with transaction.atomic():
        row = lock_row(qbr)  # read under the lock: two clicks share (and tell) once
        if row.shared_at is not None:
            _require_edit(actor, row)
            return row
        return QBRS.transition(
            qbr,
            "share",
            actor=actor.user,
            event=events.QBR_SHARED,
            authorize=lambda row: _require_edit(actor, row),
            changes={"shared_at": timezone.now()},
        )


def qbr_finalise(*, actor: Membership, qbr: Qbr, held_on: date) -> Qbr:
    """Lock the review as held on `held_on`: the final snapshot freezes the newest figures with
    the highlights, roadblocks and action items as they are now; nothing of the QBR changes
    after (its action items' status still does). Audited; the partner's admins are told and
    `reporting.qbr.finalised` is emitted. Raises `ValidationError` for a day before the quarter
    started or after today, `TransitionError` when it is final already."""
    today = timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": _("A review cannot be held in the future.")})
    if held_on < qbr.period_start:
        raise ValidationError({"held_on": _("A review is held after its quarter has started.")})

    def freeze(row: Qbr) -> None:
        newest = latest_snapshot(row)
        data = {
            **newest.data,
            "narrative": narrative(row, final=True, held_on=held_on, by=actor.user),
        }
        QbrSnapshot.objects.create(
            tenant_id=row.tenant_id,
            qbr=row,
            version=newest.version + 1,
            final=True,
            data=data,
            digest=digest(data),
            created_by=actor.user,
        )

    with transaction.atomic():
        final = QBRS.transition(
            qbr,
            "finalise",
            actor=actor.user,
            event=events.QBR_FINALISED,
            authorize=lambda row: _require_edit(actor, row),
            prepare=freeze,
            changes={
                "held_on": held_on,
                "finalised_at": timezone.now(),
                "finalised_by": actor.user,
            },
            after={"held_on": held_on.isoformat()},
        )
        snapshot = latest_snapshot(final)
        transaction.on_commit(
            lambda: _store_pdf_later(tenant_id=final.tenant_id, snapshot_id=snapshot.pk)
        )
    return final


def _store_pdf_later(*, tenant_id: int, snapshot_id: int) -> None:
    from ..tasks import qbr_pdf_store_task

    qbr_pdf_store_task.delay(tenant_id=tenant_id, snapshot_id=snapshot_id)


def narrative(
    qbr: Qbr, *, final: bool = False, held_on: date | None = None, by: Any = None
) -> dict[str, Any]:
    """The words and action items of a QBR as its document shows them (a draft's: as they are
    now; the final snapshot keeps them)."""
    items = qbr_action_items(qbr).select_related("owner__user", "qbr__tenant")
    finaliser = by or qbr.finalised_by
    held = held_on or qbr.held_on
    return {
        "status": S.FINAL if final or qbr.is_final else S.DRAFT,
        "highlights": qbr.highlights,
        "roadblocks": qbr.roadblocks,
        "action_items": [action_item_data(item) for item in items],
        "held_on": held.isoformat() if held else None,
        "finalised_by": (finaliser.get_full_name() or finaliser.email) if finaliser else "",
    }


def document_data(qbr: Qbr, snapshot: QbrSnapshot) -> dict[str, Any]:
    """What the QBR's document renders: a final snapshot as it was frozen; a draft's newest
    figures with its words and action items as they are now."""
    if snapshot.final:
        return snapshot.data
    return {**snapshot.data, "narrative": narrative(qbr)}


def qbr_pdf(*, qbr: Qbr, snapshot: QbrSnapshot | None = None) -> bytes:
    """The PDF of the QBR (its newest snapshot unless one is named). A final snapshot's PDF is
    rendered once and kept: every later download, and a bulk export run again, gets those
    bytes. A draft's is rendered each time (its words change)."""
    from .document import render_qbr

    snapshot = snapshot or latest_snapshot(qbr)
    if snapshot.final and snapshot.pdf:
        with snapshot.pdf.open("rb") as stored:
            return stored.read()
    rendered = render_qbr(document_data(qbr, snapshot), tenant=qbr.tenant)
    content = rendered.content
    if snapshot.final:
        name = f"qbrs/{qbr.tenant_id}/{qbr.pk}-v{snapshot.version}.pdf"
        saved = snapshot.pdf.storage.save(name, ContentFile(content))
        # Only the first of two concurrent renders keeps its file; the other's is removed.
        kept = QbrSnapshot.objects.filter(pk=snapshot.pk, pdf="").update(
            pdf=saved, pdf_pages=rendered.pages
        )
        if not kept:
            snapshot.pdf.storage.delete(saved)
    return content


# Action items


def qbr_action_items(qbr: Qbr) -> QuerySet[QbrActionItem]:
    return QbrActionItem.objects.filter(tenant_id=qbr.tenant_id, qbr=qbr).order_by("due_on", "pk")


def _check_item(qbr: Qbr, *, title: str, owner: Membership, due_on: date) -> None:
    errors = {}
    if not title:
        errors["title"] = _("Say what is to be done.")
    if not owner_choices(partner=qbr.partner).filter(pk=owner.pk).exists():
        errors["owner"] = _(
            "Choose one of the partner's users or one of its channel account managers."
        )
    if due_on < qbr.period_start:
        errors["due_on"] = _("An action item is due after its quarter has started.")
    if errors:
        raise ValidationError(errors)


def action_item_add(
    *, actor: Membership, qbr: Qbr, title: str, owner: Membership, due_on: date
) -> QbrActionItem:
    """Agree an action item in a draft QBR: what, who (either side), by when. Audited."""
    title = title.strip()
    with transaction.atomic():
        row = lock_row(qbr)
        _require_edit(actor, row)
        QBRS.require(row, "edit")
        _check_item(row, title=title, owner=owner, due_on=due_on)
        item = QbrActionItem.objects.create(
            tenant_id=row.tenant_id,
            qbr=row,
            partner_id=row.partner_id,
            title=title,
            owner=owner,
            due_on=due_on,
        )
        audit_record(
            tenant=row.tenant,
            actor=actor.user,
            action="reporting.qbr.action_added",
            obj=row,
            after={"action": title, "owner": owner.user.email, "due_on": due_on.isoformat()},
        )
    return item


def action_item_change(
    *, actor: Membership, item: QbrActionItem, title: str, owner: Membership, due_on: date
) -> QbrActionItem:
    """Change an action item of a draft QBR (audited with what it was)."""
    title = title.strip()
    with transaction.atomic():
        row = lock_row(item.qbr)
        _require_edit(actor, row)
        QBRS.require(row, "edit")
        item = lock_row(item)
        _check_item(row, title=title, owner=owner, due_on=due_on)
        before = {"action": item.title, "owner": item.owner_id, "due_on": item.due_on.isoformat()}
        item.title, item.owner, item.due_on = title, owner, due_on
        item.save(update_fields=["title", "owner", "due_on", "updated_at"])
        audit_record(
            tenant=row.tenant,
            actor=actor.user,
            action="reporting.qbr.action_changed",
            obj=row,
            before=before,
            after={"action": title, "owner": owner.pk, "due_on": due_on.isoformat()},
        )
    return item


def action_item_remove(*, actor: Membership, item: QbrActionItem) -> None:
    """Take an action item out of a draft QBR (audited)."""
    with transaction.atomic():
        row = lock_row(item.qbr)
        _require_edit(actor, row)
        QBRS.require(row, "edit")
        audit_record(
            tenant=row.tenant,
            actor=actor.user,
            action="reporting.qbr.action_removed",
            obj=row,
            before={"action": item.title, "due_on": item.due_on.isoformat()},
        )
        QbrActionItem.objects.filter(tenant_id=row.tenant_id, pk=item.pk).delete()


def may_track(actor: Membership, item: QbrActionItem) -> bool:
    """Who marks an action item done (or open again): its owner, the partner's admins once the
    review was shared or final, and the staff who prepare the partner's reviews."""
    if actor.pk == item.owner_id:
        return True
    if actor.partner_id is not None:
        shown = item.qbr.is_final or item.qbr.shared_at is not None
        return shown and actor.partner_id == item.partner_id and actor.can("portal.qbrs")
    return may_edit(actor, item.qbr.partner)


def action_item_track(
    *, actor: Membership, item: QbrActionItem, status: str, on: date | None = None
) -> QbrActionItem:
    """Mark an action item done, dropped, or open again (done on `on`, today by default).
    Audited and told to the item's owner when someone else did it; the same status twice
    changes nothing. Raises `PermissionDenied` (`may_track`) and `ValidationError`."""
    if status not in QbrActionItem.Status.values:
        raise ValidationError({"status": _("Choose done, dropped or open.")})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"done_on": _("An action cannot be done in the future.")})
    with transaction.atomic():
        row = lock_row(item)
        row.qbr = item.qbr
        if not may_track(actor, row):
            raise PermissionDenied(_("Only its owner, the partner's admins and its CAMs may."))
        if row.status == status:
            return row
        before = {"status": row.status}
        row.status = status
        row.done_on = None if status == QbrActionItem.Status.OPEN else on
        row.save(update_fields=["status", "done_on", "updated_at"])
        log_action(
            event=events.ACTION_TRACKED,
            tenant=row.qbr.tenant,
            actor=actor.user,
            obj=row,
            data=events.action_data(row),
            before=before,
            after={"status": status, "action": row.title},
        )
    return row


# Comments


def may_comment(actor: Membership, qbr: Qbr) -> bool:
    """A draft shared with the partner is discussed by its admins and by the staff who prepare
    it; a final QBR takes no more comments."""
    if qbr.is_final:
        return False
    if actor.partner_id is not None:
        return (
            qbr.shared_at is not None
            and actor.partner_id == qbr.partner_id
            and actor.can("portal.qbrs")
        )
    return may_edit(actor, qbr.partner)


def qbr_comment_add(*, actor: Membership, qbr: Qbr, body: str) -> QbrComment:
    """Add a comment to a draft; the other side is told (the partner's admins only once the
    draft is shared). Raises `PermissionDenied` (`may_comment`) and `ValidationError`."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    if len(body) > MAX_COMMENT:
        raise ValidationError(
            {"body": _("Keep a comment under %(n)s characters.") % {"n": MAX_COMMENT}}
        )
    with transaction.atomic():
        row = lock_row(qbr)
        if not may_comment(actor, row):
            raise PermissionDenied(_("This review takes no comments from you."))
        comment = QbrComment.objects.create(
            tenant_id=row.tenant_id, qbr=row, author=actor, body=body
        )
        log_action(
            event=events.QBR_COMMENTED,
            tenant=row.tenant,
            actor=actor.user,
            obj=row,
            data={**events.qbr_data(row), "by_partner": actor.partner_id is not None},
            after={"comment": body[:200]},
        )
    return comment
