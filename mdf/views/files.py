"""Proof of performance in the portal: download one, delete one (confirmed).

A proof is found through `mdf.access.proofs_visible_to` (the member's claims: a rep their own,
a partner admin the company's): another partner's, another tenant's or a missing one answers
404 alike, and the file is served from private storage only then.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest
from prm.uploads.private import private_file_response

from ..access import proofs_visible_to
from ..models import ProofFile
from ..services.claims import may_delete_proof, proof_delete
from .common import error_text


def _proof_of(request: TenantRequest, pk: int) -> ProofFile:
    return get_object_or_404(
        proofs_visible_to(request.membership).select_related("claim__request"), pk=pk
    )


@requires("portal.mdf")
def proof_download(request: TenantRequest, pk: int) -> HttpResponseBase:
    proof = _proof_of(request, pk)
    return private_file_response(proof.file, name=proof.name, content_type=proof.content_type)


@require_http_methods(["GET", "POST"])
@requires("portal.mdf")
def proof_delete_view(request: TenantRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    proof = _proof_of(request, pk)
    claim = proof.claim
    if not may_delete_proof(request.membership, proof, claim):
        messages.error(
            request,
            _(
                "A proof is deleted by the person who attached it, or your company's admin, "
                "while the claim is not submitted."
            ),
        )
        return redirect("mdf:claim", claim.pk)
    if request.method == "POST":
        try:
            proof_delete(actor=request.membership, proof=proof)
        except (ValidationError, PermissionDenied) as exc:
            text = error_text(exc) if isinstance(exc, ValidationError) else ""
            messages.error(request, text or _("You cannot delete this file."))
        else:
            messages.success(
                request,
                _("%(file)s is deleted from %(ref)s.")
                % {"file": proof.name, "ref": claim.reference},
            )
        return redirect("mdf:claim", claim.pk)
    return render(request, "mdf/proof_delete.html", {"proof": proof, "claim": claim})
