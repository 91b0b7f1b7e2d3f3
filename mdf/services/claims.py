"""The partner's side of a claim: what the funded activity cost and brought, its proof of
performance, and the registrations that came from it.

Who: the users who may work the claim's request (`mdf.access`: a rep their own, a partner admin
the company's) and who may request funds (`may_request`).

When: a claim is started for an approved request once its activity has started (costs are
incurred from then on, and the partner may gather the proof as it goes); it is submitted once
the activity has ended, with an actual spend above zero and at least one proof, and no later
than the request's claim deadline (`MdfRequest.claim_due_on`, in the program's time zone) unless
a CAM extended it. A claim is changed while it is a draft or sent back for information.

Proof files are checked by content and size (`PROOF_RULE`: PDF, PNG, JPEG, CSV, XLSX), at most
`MDF_PROOFS_PER_CLAIM` per claim, stored under a random name in private storage with the
uploaded name cleaned (`deals.services.attachments.clean_file_name`); they are served only by
`mdf/views/files.py`. The linked registrations are `CampaignDeal` rows on the request (for its
ROI), checked to be of the request's tenant and company and visible to the member.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.events import tenant_day, tenant_moment
from deals.models import Deal
from deals.services.attachments import clean_file_name
from prm.audit.services import audit_record
from prm.money import quantize
from prm.notifications.services import notifications_read_for
from prm.sla import add_business_hours
from prm.tenancy.models import Membership
from prm.uploads.checks import BUSINESS_DOCUMENT, check_upload, size_label
from prm.uploads.private import private_storage
from prm.workflow import lock_row

from .. import events
from ..access import claims_visible_to, may_request, requests_visible_to
from ..models import CampaignDeal, Claim, MdfRequest, ProofFile
from ..numbers import next_number
from ..portal import deals_to_link
from ..setup import mdf_settings
from ..workflow import CLAIMS
from .requests import tenant_today

#: proof of performance: invoices, screenshots, attendee lists, by content, within the size limit
PROOF_RULE = replace(
    BUSINESS_DOCUMENT,
    kinds=frozenset({"pdf", "png", "jpeg", "office", "text"}),
    extensions=frozenset({".pdf", ".png", ".jpg", ".jpeg", ".csv", ".xlsx"}),
    max_bytes=settings.MDF_PROOF_MAX_BYTES,
    wrong_kind=gettext_lazy("Upload a PDF, a PNG or JPEG image, a CSV file or an Excel workbook."),
    wrong_extension=gettext_lazy("Upload a file ending in .pdf, .png, .jpg, .csv or .xlsx."),
)


@dataclass(frozen=True)
class ClaimInput:
    """What the partner reports (None or "" when not given yet)."""

    actual_spend: Decimal | None = None
    leads: int | None = None
    attendees: int | None = None
    impressions: int | None = None
    results: str = ""


def _require_worker(actor: Membership, request: MdfRequest) -> None:
    if (
        request.tenant_id != actor.tenant_id
        or not may_request(actor)
        or not requests_visible_to(actor).filter(pk=request.pk).exists()
    ):
        raise PermissionDenied


def _require_claim_worker(actor: Membership, claim: Claim) -> None:
    if (
        claim.tenant_id != actor.tenant_id
        or not may_request(actor)
        or not claims_visible_to(actor).filter(pk=claim.pk).exists()
    ):
        raise PermissionDenied


def claim_start_refusal(request: MdfRequest) -> str:
    """Why no claim can be started for the request now ("" when one can)."""
    if request.status != MdfRequest.Status.APPROVED:
        return _("A claim is filed for an approved request.")
    today = tenant_today(request.tenant)
    if request.starts_on is not None and today < request.starts_on:
        return _("File the claim once the activity has started (%(day)s).") % {
            "day": tenant_day(request.tenant, request.starts_on)
        }
    return ""


def _apply(claim: Claim, data: ClaimInput) -> None:
    if data.actual_spend is not None and data.actual_spend < 0:
        raise ValidationError({"actual_spend": _("Enter what the activity actually cost.")})
    claim.actual_spend = (
        None if data.actual_spend is None else quantize(data.actual_spend, claim.currency)
    )
    claim.leads, claim.attendees, claim.impressions = data.leads, data.attendees, data.impressions
    claim.results = data.results.strip()


def _link_deals(actor: Membership, request: MdfRequest, deals: Iterable[Deal]) -> None:
    """The campaign's registrations become exactly `deals` (checked: same tenant, same company,
    among those the member may link: `mdf.portal.deals_to_link`)."""
    wanted = {deal.pk: deal for deal in deals}
    for deal in wanted.values():
        if deal.tenant_id != request.tenant_id or deal.partner_id != request.partner_id:
            raise ValidationError({"deals": _("Choose among your company's registrations.")})
    if wanted:
        visible = set(
            deals_to_link(actor, request).filter(pk__in=wanted).values_list("pk", flat=True)
        )
        if visible != set(wanted):
            raise ValidationError({"deals": _("Choose among your company's registrations.")})
    links = CampaignDeal.objects.filter(tenant_id=request.tenant_id, request=request)
    existing = set(links.values_list("deal_id", flat=True))
    if existing - set(wanted):
        links.filter(deal_id__in=existing - set(wanted)).delete()
    CampaignDeal.objects.bulk_create(
        CampaignDeal(tenant_id=request.tenant_id, request=request, deal_id=pk)
        for pk in wanted
        if pk not in existing
    )


def _snapshot(claim: Claim) -> dict[str, str]:
    return {
        "actual_spend": str(claim.actual_spend) if claim.actual_spend is not None else "",
        "currency": claim.currency,
    }


def claim_save(
    *,
    actor: Membership,
    request: MdfRequest,
    data: ClaimInput,
    deals: Iterable[Deal] = (),
    proof: UploadedFile | None = None,
    claim: Claim | None = None,
    submit: bool = False,
) -> Claim:
    """Start the claim of an approved request, or change a draft or one sent back; attach
    `proof` if given; link `deals` as the campaign's registrations; with `submit`, submit it in
    the same transaction (`claim_submit`).

    Raises `PermissionDenied` for anyone but the request's workers, `TransitionError` when the
    claim's status allows no change, `ValidationError` (by field) for bad input or a request
    that cannot be claimed yet (`claim_start_refusal`). A new claim takes the tenant's next CL-
    number; audited as `mdf.claim.created` / `mdf.claim.changed`.
    """
    stored = ""
    try:
        with transaction.atomic():
            claim = _save(actor, request, data, deals, claim)
            if proof is not None:
                stored = proof_add(actor=actor, claim=claim, file=proof).file.name
            if submit:
                claim = claim_submit(actor=actor, claim=claim)
    except BaseException:
        # A submission refused after the file was stored: the row is rolled back, the file too.
        if stored:
            private_storage().delete(stored)
        raise
    return claim


def _save(
    actor: Membership,
    request: MdfRequest,
    data: ClaimInput,
    deals: Iterable[Deal],
    claim: Claim | None,
) -> Claim:
    """The claim created (numbered, audited) or changed (through `CLAIMS`), and the campaign's
    deals linked: what `claim_save` does before the proof and the submission."""
    with transaction.atomic():
        if claim is None:
            request = lock_row(request)
            _require_worker(actor, request)
            refusal = claim_start_refusal(request)
            if refusal:
                raise ValidationError(refusal)
            if Claim.objects.filter(tenant_id=request.tenant_id, request=request).exists():
                raise ValidationError(_("This request has a claim already: change that one."))
            claim = Claim(
                tenant=request.tenant,
                request=request,
                partner_id=request.partner_id,
                owner=actor,
                currency=request.currency,
            )
            _apply(claim, data)
            claim.number = next_number(request.tenant, "last_claim_number")
            claim.save(force_insert=True)
            audit_record(
                tenant=request.tenant,
                actor=actor.user,
                action="mdf.claim.created",
                obj=claim,
                after={"status": claim.status, **_snapshot(claim)},
            )
        else:
            if claim.request_id != request.pk:
                raise ValidationError(_("A claim stays with its request."))
            claim = CLAIMS.transition(
                claim,
                "edit",
                actor=actor.user,
                authorize=lambda row: _require_claim_worker(actor, row),
                prepare=lambda row: _apply(row, data),
                after=_snapshot,
                event=events.CLAIM_CHANGED,
                silent_from={Claim.Status.DRAFT},
            )
        _link_deals(actor, request, deals)
    return claim


def submission_errors(claim: Claim, request: MdfRequest) -> dict[str, str]:
    """What keeps the claim from being submitted now, by field ({} when nothing does)."""
    tenant = request.tenant
    today = tenant_today(tenant)
    errors: dict[str, str] = {}
    if claim.actual_spend is None or claim.actual_spend <= 0:
        errors["actual_spend"] = _("Enter what the activity actually cost.")
    if not ProofFile.objects.filter(tenant_id=claim.tenant_id, claim=claim).exists():
        errors["proof"] = _(
            "Attach at least one proof of performance: an invoice, a screenshot or an "
            "attendee list."
        )
    if request.ends_on is not None and today < request.ends_on:
        errors["__all__"] = _("Submit the claim once the activity has ended (%(day)s).") % {
            "day": tenant_day(tenant, request.ends_on)
        }
    elif request.claim_due_on is not None and today > request.claim_due_on:
        errors["__all__"] = _(
            "The claim deadline passed on %(day)s: ask your account manager to extend it."
        ) % {"day": tenant_day(tenant, request.claim_due_on)}
    return errors


def claim_submit(*, actor: Membership, claim: Claim) -> Claim:
    """Submit a draft claim (or one sent back) for the CAM's review: the checks of
    `submission_errors` on the locked row; the review clock starts (`MdfSettings.sla_hours`
    business hours). Emits `mdf.claim.submitted`; the submitter's notifications about the claim
    count as read. Raises `PermissionDenied`, `TransitionError` or `ValidationError`."""

    def prepare(row: Claim) -> None:
        request = MdfRequest.objects.select_related("tenant").get(pk=row.request_id)
        errors = submission_errors(row, request)
        if errors:
            raise ValidationError(errors)
        tenant = request.tenant
        now = timezone.now()
        row.submitted_at = now
        row.sla_due_at = add_business_hours(now, mdf_settings(tenant).sla_hours, tenant.time_zone)

    with transaction.atomic():
        claim = CLAIMS.transition(
            claim,
            "submit",
            actor=actor.user,
            authorize=lambda row: _require_claim_worker(actor, row),
            prepare=prepare,
            after=_snapshot,
            event=events.CLAIM_SUBMITTED,
            data=lambda row: {"due": tenant_moment(row.tenant, row.sla_due_at)},
        )
        notifications_read_for(user=actor.user, subject=claim)
    return claim


def proof_add(*, actor: Membership, claim: Claim, file: UploadedFile) -> ProofFile:
    """Attach a proof of performance to a claim the partner may still change.

    Checked by content and size (`PROOF_RULE`; a renamed executable is refused), at most
    `MDF_PROOFS_PER_CLAIM` per claim. The file is stored before the row is written and deleted
    again if the transaction fails. Audited as `mdf.proof.added` on the claim. Raises
    `PermissionDenied`, `TransitionError` (the claim is no longer editable) or
    `ValidationError` beside the `proof` field.
    """
    try:
        checked = check_upload(file, PROOF_RULE)
    except ValidationError as exc:
        raise ValidationError({"proof": exc.messages}) from exc
    limit = settings.MDF_PROOFS_PER_CLAIM
    stored = None
    try:
        with transaction.atomic():
            claim = lock_row(claim)
            _require_claim_worker(actor, claim)
            CLAIMS.require(claim, "edit")
            if ProofFile.objects.filter(tenant_id=claim.tenant_id, claim=claim).count() >= limit:
                raise ValidationError(
                    {
                        "proof": ngettext(
                            "A claim holds at most %(count)d file: delete one first.",
                            "A claim holds at most %(count)d files: delete one first.",
                            limit,
                        )
                        % {"count": limit}
                    }
                )
            proof = ProofFile(
                tenant=claim.tenant,
                claim=claim,
                name=clean_file_name(file.name or ""),
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=actor,
            )
            proof.file.save(proof.name, file, save=False)
            stored = proof.file.name
            proof.save()
            audit_record(
                tenant=claim.tenant,
                actor=actor.user,
                action="mdf.proof.added",
                obj=claim,
                after={"file": proof.name, "size": size_label(proof.size)},
            )
    except BaseException:
        if stored:
            private_storage().delete(stored)
        raise
    return proof


def may_delete_proof(
    actor: Membership, proof: ProofFile, claim: Claim, *, requester: bool | None = None
) -> bool:
    """The uploader or a partner admin of the company, while the claim may be changed.
    `requester`: `may_request(actor)` when the caller knows it already (a page listing files)."""
    return (
        (may_request(actor) if requester is None else requester)
        and actor.partner_id == claim.partner_id
        and CLAIMS.allowed(claim, "edit")
        and (proof.uploaded_by_id == actor.pk or actor.can("portal.mdf.company"))
    )


def proof_delete(*, actor: Membership, proof: ProofFile) -> None:
    """Delete a proof of a claim still being changed: the row now, the file once the
    transaction commits. Raises `PermissionDenied` (not its uploader nor a partner admin),
    `TransitionError` (the claim was submitted). Audited as `mdf.proof.deleted`."""
    with transaction.atomic():
        claim = lock_row(proof.claim)
        _require_claim_worker(actor, claim)
        CLAIMS.require(claim, "edit")
        if not may_delete_proof(actor, proof, claim):
            raise PermissionDenied
        stored = proof.file.name
        audit_record(
            tenant=claim.tenant,
            actor=actor.user,
            action="mdf.proof.deleted",
            obj=claim,
            # The phrase names the file deleted: recorded as what the event is about.
            after={"file": proof.name, "size": size_label(proof.size)},
        )
        proof.delete()
        transaction.on_commit(lambda: private_storage().delete(stored))
