"""Bulk QBR export: the QBRs of many partners for one quarter, as a background job (`prm.jobs`,
kind `reporting.qbr_export`) ending in a zip of PDFs, one per partner.

Partner operations, a program leader or a CAM picks a fiscal quarter and which partners: all
they see, the partners of one CAM (leaders and partner operations only), of a tier or of a
segment, always narrowed to the partners the member sees (a CAM: their own). `qbr_export_start`
resolves that selection once, into one `QbrExportItem` per partner committed with the job, and
queues the job; its page shows the progress bar, the failures per partner, Cancel and the zip.

`qbr_export_run` works through the items by partner name. For each partner it gets or makes the
quarter's QBR (`qbr_prepare`); a draft's figures are read again (`qbr_refresh`: a new version
only when a figure changed) and its PDF rendered; a final QBR's kept PDF is reused (no render,
no snapshot: "a re-run skips final QBRs that are unchanged"). A partner that fails is listed
with why and the job goes on. Resumable: a worker killed mid-job is requeued by the beat sweep,
and the run skips the items an earlier attempt finished (their PDFs are kept), so no snapshot,
item or PDF is made twice.
"""

import logging
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Partner, Segment, Tier
from partners.segments.selectors import segment_q
from prm.jobs.models import Job
from prm.jobs.progress import Progress
from prm.jobs.registry import JobKind
from prm.jobs.services import job_start
from prm.metrics.periods import Period, fiscal_quarter_number, fiscal_year_name
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import assigned_partner_ids, visible_partners

from ..models import QbrExportItem
from .services import latest_snapshot, qbr_pdf, qbr_prepare, qbr_refresh, quarter_of

logger = logging.getLogger(__name__)

KIND = "reporting.qbr_export"
CAPABILITY = "reporting.qbrs.export"

ALL, CAM, TIER, SEGMENT = "all", "cam", "tier", "segment"
SCOPES = (ALL, CAM, TIER, SEGMENT)

#: partners in the program: applicants have no quarter to review, offboarded ones no more
EXPORTED_STATUSES = (
    Partner.Status.ONBOARDING,
    Partner.Status.ACTIVE,
    Partner.Status.INACTIVE,
)


@dataclass(frozen=True)
class Selection:
    """What an export covers: a fiscal quarter and which partners (`scope` and its target)."""

    quarter: Period
    scope: str = ALL
    cam: Membership | None = None
    tier: Tier | None = None
    segment: Segment | None = None

    def target_id(self) -> int | None:
        target = {CAM: self.cam, TIER: self.tier, SEGMENT: self.segment}.get(self.scope)
        return target.pk if target is not None else None


def quarter_label(tenant: Tenant, quarter: Period) -> str:
    """ "Q2 2027": the fiscal quarter's number and its fiscal year."""
    fiscal = tenant.fiscal_year_start
    return _("Q%(number)s %(year)s") % {
        "number": fiscal_quarter_number(quarter, fiscal),
        "year": fiscal_year_name(quarter, fiscal),
    }


def may_pick_cam(actor: Membership) -> bool:
    """Whether the member may export another CAM's partners: who sees every partner (program
    leaders, partner operations); a CAM's "all my partners" is their portfolio already."""
    return actor.can("partners.view_all")


def export_partners(actor: Membership, selection: Selection) -> QuerySet[Partner]:
    """The partners an export of `selection` by `actor` covers: in the program, among those the
    member sees (a CAM: their own, whatever the selection names), narrowed by the scope."""
    partners = visible_partners(actor).filter(status__in=EXPORTED_STATUSES)
    if selection.scope == CAM:
        if selection.cam is None or not may_pick_cam(actor):
            return partners.none()
        partners = partners.filter(pk__in=assigned_partner_ids(selection.cam))
    elif selection.scope == TIER:
        if selection.tier is None:
            return partners.none()
        partners = partners.filter(tier_id=selection.tier.pk)
    elif selection.scope == SEGMENT:
        if selection.segment is None:
            return partners.none()
        partners = partners.filter(segment_q(selection.segment))
    return partners.order_by("name", "pk")


def export_label(tenant: Tenant, selection: Selection, count: int) -> str:
    """How the job reads in lists: "QBRs Q2 2027: tier Gold (12 partners)"."""
    quarter = quarter_label(tenant, selection.quarter)
    if selection.scope == CAM and selection.cam is not None:
        user = selection.cam.user
        who = _("partners of %(cam)s") % {"cam": user.get_full_name() or user.email}
    elif selection.scope == TIER and selection.tier is not None:
        who = _("tier %(tier)s") % {"tier": selection.tier.name}
    elif selection.scope == SEGMENT and selection.segment is not None:
        who = _("segment %(segment)s") % {"segment": selection.segment.name}
    else:
        who = _("all partners")
    return _("QBRs %(quarter)s: %(who)s (%(count)s partners)") % {
        "quarter": quarter,
        "who": who,
        "count": count,
    }


def qbr_export_start(*, actor: Membership, selection: Selection) -> Job:
    """Start exporting the QBRs of `selection`'s partners (`export_partners`) as a job; return
    it. The partners are fixed now, one `QbrExportItem` each, in the transaction that creates
    the job (the worker only sees the job once they are committed).

    The same member starting the same selection while it runs gets the running job
    (`job_start`: the params name the quarter, the scope and its target, and the member).
    Raises `PermissionDenied` without `reporting.qbrs.export`, `ValidationError` (on `scope`)
    when no partner is selected: nothing is started then.
    """
    tenant = actor.tenant
    with transaction.atomic():
        partner_ids = list(export_partners(actor, selection).values_list("pk", flat=True))
        if not partner_ids:
            raise ValidationError({"scope": _("No partner to export: choose other partners.")})
        job = job_start(
            actor=actor,
            kind=KIND,
            params={
                "quarter": selection.quarter.start.isoformat(),
                "scope": selection.scope,
                "target": selection.target_id(),
                "by": actor.pk,
            },
            label=export_label(tenant, selection, len(partner_ids)),
        )
        if not QbrExportItem.objects.filter(tenant=tenant, job=job).exists():
            QbrExportItem.objects.bulk_create(
                [QbrExportItem(tenant=tenant, job=job, partner_id=pk) for pk in partner_ids],
                ignore_conflicts=True,  # a concurrent identical start made them
            )
    return job


# The run


def _starter(job: Job) -> Membership | None:
    """The active membership of who started the job: the export runs as them."""
    if job.created_by_id is None:
        return None
    return (
        Membership.objects.filter(
            tenant_id=job.tenant_id, user_id=job.created_by_id, is_active=True
        )
        .select_related("tenant", "user")
        .first()
    )


def _failure(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("The review could not be made (%(error)s); the error is logged.") % {
        "error": type(exc).__name__
    }


def _export_one(item: QbrExportItem, *, day: date, user: Any, progress: Progress) -> None:
    """Make one partner's PDF and record it on `item` (done). A draft is refreshed and
    rendered; a final QBR's kept PDF is reused."""
    with transaction.atomic():
        qbr, created = qbr_prepare(tenant=item.tenant, partner=item.partner, day=day, user=user)
        if qbr.is_final or created:
            snapshot = latest_snapshot(qbr)  # final: frozen; just made: its figures are fresh
        else:
            snapshot = qbr_refresh(actor=None, qbr=qbr, user=user)
    progress.heartbeat()
    with transaction.atomic():
        content = qbr_pdf(qbr=qbr, snapshot=snapshot)
    progress.heartbeat()
    name = ""
    if not snapshot.final:
        path = f"qbr-exports/{item.tenant_id}/{item.job_id}/{item.partner_id}.pdf"
        name = item.pdf.storage.save(path, ContentFile(content))
    QbrExportItem.objects.filter(pk=item.pk).update(
        qbr=qbr, snapshot=snapshot, pdf=name, done_at=timezone.now()
    )


def qbr_export_run(job: Job, progress: Progress) -> None:
    """Export each partner of the job (see the module), then zip the PDFs and attach the zip.
    Stops between partners when someone cancels (no zip then)."""
    items = list(
        QbrExportItem.objects.filter(tenant_id=job.tenant_id, job=job)
        .select_related("partner", "tenant")
        .order_by("partner__name", "partner_id")
    )
    progress.set_total(len(items))
    actor = _starter(job)
    seen = set()
    if actor is not None:
        ids = [item.partner_id for item in items]
        seen = set(visible_partners(actor).filter(pk__in=ids).values_list("pk", flat=True))
    day = date.fromisoformat(job.params["quarter"])
    for item in items:
        if item.done_at is not None:
            progress.advance()  # an earlier attempt exported it
            continue
        if progress.cancelled:
            return
        if actor is None:
            progress.fail(item.partner.name, _("Whoever started the export is no longer a member."))
            continue
        if item.partner_id not in seen:
            progress.fail(
                item.partner.name, _("Whoever started the export no longer sees this partner.")
            )
            continue
        try:
            _export_one(item, day=day, user=actor.user, progress=progress)
        except Exception as exc:  # one partner's failure is listed; the others go on
            logger.exception("QBR export %s: partner %s failed", job.pk, item.partner_id)
            progress.fail(item.partner.name, _failure(exc))
            continue
        progress.advance()
    _attach_zip(job, progress)


def zip_names(items: list[QbrExportItem], quarter: str) -> list[str]:
    """A file name per item, from the partner's name and the quarter, unique in the zip
    ("Northwind Q2 2027.pdf", then "Northwind Q2 2027 (2).pdf")."""
    taken: set[str] = set()
    names = []
    for item in items:
        base = get_valid_filename(f"{item.partner.name} {quarter}".replace("_", " ")) or "QBR"
        base = base.replace("_", " ")
        name, n = f"{base}.pdf", 1
        while name.lower() in taken:
            n += 1
            name = f"{base} ({n}).pdf"
        taken.add(name.lower())
        names.append(name)
    return names


def _pdf_of(item: QbrExportItem) -> bytes:
    if item.pdf:
        with item.pdf.open("rb") as stored:
            return stored.read()
    # a final QBR: its kept PDF (rendered once and kept, if it was not yet)
    assert item.qbr is not None
    assert item.snapshot is not None
    return qbr_pdf(qbr=item.qbr, snapshot=item.snapshot)


def _attach_zip(job: Job, progress: Progress) -> None:
    """Zip the PDFs of the exported partners (none: no file) and attach the zip to the job."""
    done = list(
        QbrExportItem.objects.filter(tenant_id=job.tenant_id, job=job, done_at__isnull=False)
        .select_related("partner", "qbr__tenant", "snapshot")
        .order_by("partner__name", "partner_id")
    )
    if not done:
        return
    tenant = job.tenant
    quarter = quarter_label(tenant, quarter_of(tenant, date.fromisoformat(job.params["quarter"])))
    # A temporary file, not memory: a program's worth of PDFs runs to hundreds of megabytes.
    with tempfile.TemporaryFile() as spool:
        # Stored, not deflated: PDFs are compressed already.
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
            for item, name in zip(done, zip_names(done, quarter), strict=True):
                archive.writestr(name, _pdf_of(item))
                progress.heartbeat()
        spool.seek(0)
        progress.attach(_("QBRs %(quarter)s.zip") % {"quarter": quarter}, spool)


def back_to_export(job: Job) -> str:
    return reverse("admin:reporting_qbr_export")


QBR_EXPORT = JobKind(
    name=KIND,
    label=gettext_lazy("Export QBRs"),
    capability=CAPABILITY,
    run=qbr_export_run,
    back_url=back_to_export,
    # A CAM sees the exports they started, never one covering partners of others.
    see_all="partners.view_all",
)
