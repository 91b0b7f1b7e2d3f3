"""PDFs (DESIGN.md decision 12): the one `render_pdf` certificates, commission statements and
QBRs use, and the task that stores a long render in the private storage.

A PDF is a Django template rendered to HTML and laid out by WeasyPrint. What goes into the
context is often typed by somebody (a course title, a partner's company name, a QBR note), and
WeasyPrint fetches whatever an `<img>`, a `<link>` or a CSS `url()` names. So the renderer is
given `PdfFetcher`, which is deny-by-default: it answers only

- the project's static files, under `STATIC_URL` (read through the staticfiles finders, then
  the staticfiles storage: never a path on disk built from the URL), and
- the logo of the tenant the PDF is rendered for, at `LOGO_URL` (read through the storage API),
- the tenant's colours and paper size at `BRAND_CSS_URL` (made from validated values).

Every other URL (http, https, ftp, file, another tenant's files, the media URL) is refused
before anything touches the network or the disk, and logged at debug. A `data:` URI carries its
bytes inline and reaches nothing; it is decoded when it is small (`DATA_URI_MAX_BYTES`).

Templates extend `pdf/base.html` (the tenant's name, logo and colours, page numbers in the
margins, A4 or Letter by the tenant's time zone) and its stylesheet static/css/pdf.css.
"""

import base64
import binascii
import logging
import mimetypes
import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from prm.celery import app
from prm.tenancy.branding import branding_for
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask
from prm.uploads.private import private_storage

logger = logging.getLogger(__name__)

#: The made-up origin every relative URL in a PDF's HTML is resolved against. `.invalid` is
#: reserved (RFC 2606): even if a URL on it escaped the fetcher, no resolver would answer it.
BASE_URL = "https://pdf.invalid/"
#: Where a PDF template finds the logo of the tenant it is rendered for (`{{ pdf.logo_url }}`).
LOGO_URL = urljoin(BASE_URL, "tenant-logo")
#: The tenant's colours and paper size as a stylesheet (`{{ pdf.brand_css_url }}`), made here
#: from validated values so that no template carries an inline style.
BRAND_CSS_URL = urljoin(BASE_URL, "tenant-brand.css")
#: A `data:` URI larger than this is refused (it costs memory, not a fetch).
DATA_URI_MAX_BYTES = 256 * 1024

# Time zones of the countries that print on Letter (the United States, Canada, Mexico, the
# Philippines, Chile...); a tenant elsewhere gets A4. The time zone is the one place a tenant
# says where it is.
LETTER_ZONE_PREFIXES = ("US/", "Canada/", "America/", "Pacific/Honolulu", "Asia/Manila")
A4_AMERICAN_ZONES = (
    "America/Argentina/",
    "America/Sao_Paulo",
    "America/Bahia",
    "America/Belem",
    "America/Fortaleza",
    "America/Recife",
    "America/Manaus",
    "America/Montevideo",
    "America/Asuncion",
    "America/La_Paz",
    "America/Lima",
    "America/Guayaquil",
    "America/Cayenne",
    "America/Paramaribo",
    "America/Guyana",
    "America/Nuuk",
    "America/Godthab",
)


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch (WeasyPrint leaves the image or stylesheet out)."""


class _RefusalsLoggedHere(logging.Filter):
    """Drops WeasyPrint's error for a URL this module refused: a user who typed a URL into a
    document is not a server error, and the refusal is already logged here at debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        return f"{RefusedURL.__name__}:" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_RefusalsLoggedHere())


def paper_size(tenant: Tenant | None) -> str:
    """`letter` for a tenant in North America (by its time zone), `A4` everywhere else."""
    zone = tenant.time_zone if tenant is not None else ""
    if zone.startswith(LETTER_ZONE_PREFIXES) and not zone.startswith(A4_AMERICAN_ZONES):
        return "letter"
    return "A4"


class PdfFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for the product's PDFs: the project's static files and
    `tenant`'s logo, nothing else (see the module's docstring)."""

    def __init__(self, tenant: Tenant | None = None) -> None:
        # Nothing ever reaches urllib (fetch is replaced whole); the parent's handlers are
        # built but unused, and fail_on_errors stays off so a refused image is left out.
        super().__init__(allowed_protocols=())
        self.tenant = tenant
        self.static_prefix = urljoin(BASE_URL, settings.STATIC_URL)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            return self._answer(url)
        except RefusedURL as refused:
            logger.debug("PDF: refused %s (%s)", url[:200], refused)
            raise

    def _answer(self, url: str) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data(url)
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            url = parts._replace(query="", fragment="").geturl()
        if url == LOGO_URL:
            return self._logo()
        if url == BRAND_CSS_URL:
            return self._brand_css()
        if url.startswith(self.static_prefix):
            return self._static(url.removeprefix(self.static_prefix))
        raise RefusedURL("not a static file or the tenant's logo")

    def _static(self, quoted_path: str) -> URLFetcherResponse:
        path = unquote(quoted_path)
        normal = posixpath.normpath(path)
        if (
            not path
            or "\\" in path
            or "\x00" in path
            or normal != path
            or normal.startswith(("/", ".."))
        ):
            raise RefusedURL("not a plain path under the static files")
        found = finders.find(normal)
        if isinstance(found, str):
            with open(found, "rb") as file:
                body = file.read()
        elif staticfiles_storage.exists(normal):
            # Collected (possibly hashed) names exist only in the storage, not in the finders.
            with staticfiles_storage.open(normal) as file:
                body = file.read()
        else:
            raise RefusedURL("no such static file")
        return self._response(f"{self.static_prefix}{normal}", body, normal)

    def _logo(self) -> URLFetcherResponse:
        if self.tenant is None or not self.tenant.logo:
            raise RefusedURL("no tenant logo to serve")
        logo = self.tenant.logo
        with logo.storage.open(logo.name, "rb") as file:
            body = file.read()
        return self._response(LOGO_URL, body, logo.name)

    def _brand_css(self) -> URLFetcherResponse:
        lines = []
        if self.tenant is not None:
            # Hex colours only (branding_for re-validates them), so nothing can break out.
            variables = branding_for(self.tenant).palette.css_variables()
            declarations = " ".join(f"{name}: {value};" for name, value in variables.items())
            lines.append(f":root {{ {declarations} }}")
        lines.append(f"@page {{ size: {paper_size(self.tenant)}; }}")
        return URLFetcherResponse(
            BRAND_CSS_URL, "\n".join(lines), {"Content-Type": "text/css"}, status=200
        )

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise RefusedURL("a data URI without data")
        if len(payload) > DATA_URI_MAX_BYTES * 4 // 3 + 4:
            raise RefusedURL("a data URI too large")
        media_type, *params = header.split(";")
        try:
            if "base64" in params:
                body = base64.b64decode(payload, validate=True)
            else:
                body = unquote(payload).encode()
        except (binascii.Error, UnicodeError) as error:
            raise RefusedURL("a data URI that does not decode") from error
        if len(body) > DATA_URI_MAX_BYTES:
            raise RefusedURL("a data URI too large")
        return URLFetcherResponse(
            url[:64], body, {"Content-Type": media_type or "text/plain"}, status=200
        )

    @staticmethod
    def _response(url: str, body: bytes, name: str) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type}, status=200)


@dataclass(frozen=True)
class PdfFile:
    """A rendered PDF and how many pages it has (known from the layout: no PDF parsing)."""

    content: bytes
    pages: int


def render_pdf(template: str, context: dict[str, Any], *, tenant: Tenant | None = None) -> bytes:
    """`template` rendered with `context` as the bytes of a PDF, branded for `tenant` if given.

    Pure: reads the template, static files and the tenant's logo; no query, no write. Beside
    `context` the template gets `pdf`: `tenant`, `branding`, `logo_url` (None without a logo),
    `paper` ("A4" or "letter") and `brand_css_url`. URLs in the HTML go through `PdfFetcher`
    (deny-by-default), so text a user typed into the context cannot make the server fetch
    anything.
    """
    return render_pdf_file(template, context, tenant=tenant).content


def render_pdf_file(
    template: str, context: dict[str, Any], *, tenant: Tenant | None = None
) -> PdfFile:
    """`render_pdf`, with the page count of the layout (a QBR records how many pages it has)."""
    branding = branding_for(tenant) if tenant is not None else None
    pdf = {
        "tenant": tenant,
        "branding": branding,
        "logo_url": LOGO_URL if tenant is not None and tenant.logo else None,
        "paper": paper_size(tenant),
        "brand_css_url": BRAND_CSS_URL,
    }
    html = render_to_string(template, {**context, "pdf": pdf})
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=PdfFetcher(tenant)).render()
    return PdfFile(content=document.write_pdf(), pages=len(document.pages))


def store_pdf(template: str, context: dict[str, Any], *, tenant: Tenant, name: str) -> str:
    """Render the PDF and save it in the private storage under `name` (in a tenant's folder:
    `pdfs/<tenant slug>/<name>`). Returns the stored name, which the storage may have changed
    to keep an existing file; a view that checks who asks serves it (prm.uploads.private)."""
    content = render_pdf(template, context, tenant=tenant)
    folder = f"pdfs/{tenant.slug}/"
    return private_storage().save(folder + posixpath.basename(name), ContentFile(content))


@app.task(base=TenantTask, name="prm.pdf.store_pdf_task")
def store_pdf_task(*, tenant_id: int, template: str, context: dict[str, Any], name: str) -> str:
    """`store_pdf` on a worker, for renders too long for a request (a QBR). The context must be
    JSON (ids and plain values); the task runs in the tenant's scope, language and time zone.
    Results are not kept (CELERY_TASK_IGNORE_RESULT): a caller that must find the file passes
    a `name` of its own and records it, or calls `store_pdf` inside its own task."""
    # TenantTask has already entered the tenant's scope; this reads the row it entered.
    tenant = Tenant.objects.get(pk=tenant_id)
    return store_pdf(template, context, tenant=tenant, name=name)
