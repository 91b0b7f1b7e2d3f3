"""The certificate PDF of an award (`prm.pdf.render_pdf`, branded for the tenant)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ..models import CertificationAward

TEMPLATE = "training/paths/certificate_pdf.html"


def verification_url(request: HttpRequest, award: CertificationAward) -> str:
    """The public page a customer opens to check the award, on this tenant's host."""
    return request.build_absolute_uri(reverse("training_verify:certificate", args=[award.code]))


def certificate_pdf(request: HttpRequest, award: CertificationAward) -> bytes:
    """The award's certificate: holder, certification, company, dates, verification link and
    code. What people typed (names, titles) goes in as text: the PDF fetcher loads nothing
    they name."""
    from prm.pdf import render_pdf  # WeasyPrint loads in a second: only when a PDF is made

    context = {
        "award": award,
        "holder": award.membership.user.get_full_name() or award.membership.user.email,
        "state": award.state_at(timezone.now()),
        "verify_url": verification_url(request, award),
    }
    return render_pdf(TEMPLATE, context, tenant=award.tenant)


def certificate_response(request: HttpRequest, award: CertificationAward) -> HttpResponse:
    """The PDF as a download, never cached (it names a person)."""
    response = HttpResponse(certificate_pdf(request, award), content_type="application/pdf")
    name = slugify(f"{award.certification.name} {award.earned_at:%Y-%m-%d}") or "certificate"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
